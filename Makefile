# SPDX-License-Identifier: GPL-2.0
#
# kexec-pe: the one entry point.  Every output lives under build/.
#
#   make demo    install what is missing, build, show kexec reboots in QEMU
#   make check   run every test tier; ends with "N passed, N failed"
#   make bench   kexec timings, written to build/bench.txt
#   make series  the patch series, in build/series/{linux,kexec-tools}
#
# Lower-level targets: deps kernel kernel-x86 kexec-tools guest guest-x86
# x86 series-check unit fuzz ustub ustub-61 ustub-uki ustub-uki257
# ustub-uki257-profile ustub-x86 ustub-x86-uki e2e clean distclean.

B        := build
NPROC    := $(shell nproc)
CROSS    := aarch64-linux-gnu-
TARBALL  := /usr/src/linux-source-6.12.tar.xz
KSRC     := $(B)/linux
KOBJ     := $(B)/kernel
KFRAG    := tools/testing/kexec-pe/config
KFRAGF   := tools/testing/kexec-pe/config.full
KOBJZ    := $(B)/kernel-zstd
KFRAGZ   := tools/testing/kexec-pe/config.zstd
KOBJ39   := $(B)/kernel-va39
KFRAG39  := tools/testing/kexec-pe/config.va39
KOBJ16K  := $(B)/kernel-16k
KFRAG16K := tools/testing/kexec-pe/config.16k
KOBJ64K  := $(B)/kernel-64k
KFRAG64K := tools/testing/kexec-pe/config.64k
# The 6.1 next kernel: Debian 12's linux-source-6.1 as it is.
KSRC61   := $(B)/linux-6.1
KOBJ61   := $(B)/kernel-6.1
KFRAG61  := tools/testing/kexec-pe/config.61
# x86_64: built natively from the same tree, only bzImage.
KOBJX86  := $(B)/kernel-x86_64
KFRAGX86 := tools/testing/kexec-pe/config.x86_64
# x86-sig-lockdown's first kernel: that one with KEXEC_SIG_FORCE.
KOBJX86F := $(B)/kernel-x86_64-force
# gawk: certs/ checks the blacklist hash list with gawk's match().
KMAKE0   := $(MAKE) -C $(KSRC) ARCH=arm64 CROSS_COMPILE=$(CROSS) -j$(NPROC) \
	    AWK=gawk
KMAKE    := $(KMAKE0) O=$(abspath $(KOBJ))
KMAKEZ   := $(KMAKE0) O=$(abspath $(KOBJZ))
KMAKE39  := $(KMAKE0) O=$(abspath $(KOBJ39))
KMAKE16K := $(KMAKE0) O=$(abspath $(KOBJ16K))
KMAKE64K := $(KMAKE0) O=$(abspath $(KOBJ64K))
KMAKEX0  := $(MAKE) -C $(KSRC) ARCH=x86_64 -j$(NPROC) AWK=gawk
KMAKEX86 := $(KMAKEX0) O=$(abspath $(KOBJX86))
KMAKE61  := $(MAKE) -C $(KSRC61) ARCH=arm64 CROSS_COMPILE=$(CROSS) \
	    -j$(NPROC) O=$(abspath $(KOBJ61))
KDIRS    := kernel drivers arch include Documentation
KFILES   := $(shell find $(KDIRS) -type f 2>/dev/null)
KPATCHES := patches/linux/series $(wildcard patches/linux/*.patch)
IMAGE    := $(KOBJ)/arch/arm64/boot/Image
ZBOOT    := $(KOBJ)/arch/arm64/boot/vmlinuz.efi
ZBOOTZ   := $(KOBJZ)/arch/arm64/boot/vmlinuz.efi
ZBOOT39  := $(KOBJ39)/arch/arm64/boot/vmlinuz.efi
ZBOOT16K := $(KOBJ16K)/arch/arm64/boot/vmlinuz.efi
ZBOOT64K := $(KOBJ64K)/arch/arm64/boot/vmlinuz.efi
IMAGE64K := $(KOBJ64K)/arch/arm64/boot/Image
ZBOOT61  := $(KOBJ61)/arch/arm64/boot/vmlinuz.efi
BZIMAGE  := $(KOBJX86)/arch/x86/boot/bzImage
BZIMAGEF := $(KOBJX86F)/arch/x86/boot/bzImage
KT       := $(B)/kexec-tools
KEXEC    := $(KT)/src/build/sbin/kexec
# The same patched source built natively for the x86 guest, unpacked a
# second time (an in-tree configure for aarch64 is in the way of a VPATH
# one).
KTX86    := $(KT)/src-x86_64
KEXECX86 := $(KTX86)/build/sbin/kexec
KTPATCH  := patches/kexec-tools/series $(wildcard patches/kexec-tools/*.patch)
# Stock kexec-tools 2.0.32 (Debian forky's upstream tarball, unpatched):
# what users run instead, for the comparison tests and make bench.
KT32     := $(B)/kexec-tools-2.0.32
KEXEC32  := $(KT32)/src/build/sbin/kexec
# Debian's arm64 static zlib, zstd and lzma, which KEXEC32 links.
DEVROOT  := $(B)/arm64-dev
TDIR     := tools/testing/kexec-pe
GUEST    := $(B)/guest
GUESTX86 := $(B)/guest-x86_64
STUB     := $(B)/arm64-root/usr/lib/systemd/boot/efi/linuxaa64.efi.stub
# systemd-stub 257, from Debian 13 (trixie), through apt-trixie/.
STUB257  := $(B)/arm64-root-trixie/usr/lib/systemd/boot/efi/linuxaa64.efi.stub
# Debian's own signed arm64 kernel (trixie), as Debian ships it.
DEBKERNEL := $(B)/debian-kernel/vmlinuz
# x86_64: Debian's signed kernel (trixie), systemd-stub 252 (bookworm) and
# 257 (trixie), and a UKI of the kernel with each (build/x86).
DEBKERNEL_X86 := $(B)/debian-kernel-amd64/vmlinuz
STUB_X86 := $(B)/amd64-root/usr/lib/systemd/boot/efi/linuxx64.efi.stub
STUB257_X86 := $(B)/amd64-root-trixie/usr/lib/systemd/boot/efi/linuxx64.efi.stub
X86      := $(B)/x86
STAMP    := $(B)/stamps

export B

# The test tiers check runs (below).
TIERS    := series-check unit fuzz ustub ustub-61 ustub-uki ustub-uki257 \
	    ustub-uki257-profile ustub-x86 ustub-x86-uki ustub-x86-uki257
# The user-space stub tiers, in the order check runs them.
USTUBS   := ustub ustub-61 ustub-uki ustub-uki257 ustub-uki257-profile \
	    ustub-x86 ustub-x86-uki ustub-x86-uki257

# make check ARCH=arm64 or ARCH=x86_64 runs one architecture's stub tiers
# and QEMU cases (and builds only what they need); the series belongs to
# both, the host unit tests and fuzzer, which run the arm64 images, to
# arm64.  ARCH is this Makefile's alone: the kernel and kexec-tools
# builds get their own.
CHECK_ARCH := $(ARCH)
MAKEOVERRIDES := $(filter-out ARCH=%,$(MAKEOVERRIDES))
unexport ARCH
ifeq ($(CHECK_ARCH),)
CHECK_NEEDS := guest x86
CHECK_USTUBS := $(USTUBS)
else ifeq ($(CHECK_ARCH),arm64)
CHECK_NEEDS := guest
CHECK_USTUBS := $(filter-out ustub-x86%,$(USTUBS))
else ifeq ($(CHECK_ARCH),x86_64)
CHECK_NEEDS := x86
CHECK_USTUBS := $(filter ustub-x86%,$(USTUBS))
else
$(error ARCH=$(CHECK_ARCH): make check runs arm64, x86_64 or both)
endif

.PHONY: all deps kernel kernel-x86 kexec-tools guest guest-x86 x86 $(TIERS) \
	$(addsuffix -only,$(TIERS)) check e2e demo bench series \
	clean distclean FORCE
all: guest

$(STAMP)/deps: mk/deps.sh
	mk/deps.sh host
	@mkdir -p $(@D) && touch $@
deps: $(STAMP)/deps

$(TARBALL): | $(STAMP)/deps

# ---- kernel -----------------------------------------------------------
# The tree is synced on every run but only changed files get new mtimes.
$(STAMP)/tree: $(TARBALL) $(KPATCHES) $(KFILES) mk/prepare-tree.sh | $(STAMP)/deps
	mk/prepare-tree.sh $(TARBALL) $(KSRC) patches/linux $(KDIRS)
	@mkdir -p $(@D) && touch $@

# kconfig OBJDIR FRAGMENTS [KMAKE]: tinyconfig plus the fragments,
# checked; KMAKE is the arm64 one unless given.
define kconfig
	@mkdir -p $(1)
	$(or $(3),$(KMAKE0)) O=$(abspath $(1)) -s tinyconfig
	KCONFIG_CONFIG=$(1)/.config $(KSRC)/scripts/kconfig/merge_config.sh \
		-m -O $(1) $(1)/.config $(2) >/dev/null
	$(or $(3),$(KMAKE0)) O=$(abspath $(1)) -s olddefconfig
	mk/check-config.sh $(1)/.config $(2)
endef

# The test key both kernels trust and the guest's signed images use; made
# once per build directory.
KEYS     := $(B)/keys
$(KEYS)/config: | $(STAMP)/deps
	@mkdir -p $(@D)
	openssl req -new -x509 -newkey rsa:2048 -nodes -sha256 -days 36500 \
		-subj "/CN=kexec-pe selftest key/" -keyout $(KEYS)/key.pem \
		-out $(KEYS)/cert.pem 2>/dev/null
	echo 'CONFIG_SYSTEM_TRUSTED_KEYS="$(abspath $(KEYS))/cert.pem"' >$@

# The first kernel's blacklist revokes a copy of the zstd kernel's zboot
# image (8 bytes longer: a digest of its own) by its Authenticode digest
# ("bin:" hash, as UEFI dbx entries are loaded): the sig-lockdown case
# loads it signed and expects EKEYREJECTED.  Copy and list are written
# after the zstd build (kernel:), and only when they changed.
BLIST    := $(KEYS)/blacklist-hashes
REVOKED  := $(KEYS)/vmlinuz-revoked.efi
$(KEYS)/blacklist.config: | $(KEYS)/config
	printf '%s\n' CONFIG_SYSTEM_BLACKLIST_KEYRING=y \
		'CONFIG_SYSTEM_BLACKLIST_HASH_LIST="$(abspath $(BLIST))"' >$@

$(KOBJ)/.config: $(KFRAG) $(KFRAGF) $(KEYS)/config $(KEYS)/blacklist.config \
		$(STAMP)/tree mk/check-config.sh
	$(call kconfig,$(KOBJ),$(KFRAG) $(KFRAGF) $(KEYS)/config \
		$(KEYS)/blacklist.config)

# The variant kernels, build/kernel-VARIANT: the base fragment, then
# tools/testing/kexec-pe/config.VARIANT (not config.full: no ACPI,
# signatures, pstore or IMA, none of their cases needs them).  zstd: the zstd-compressed zboot
# image; va39: the -va39 cases' first kernel (only the zboot image AAVMF
# starts); 16k and 64k: next kernels of 16 and 64 KiB pages, and (64K) a
# first kernel that kexecs the 4 KiB one.
$(B)/kernel-%/.config: $(KFRAG) $(TDIR)/config.% $(STAMP)/tree \
		mk/check-config.sh
	$(call kconfig,$(B)/kernel-$*,$(KFRAG) $(TDIR)/config.$*)

$(KOBJX86)/.config: $(KFRAGX86) $(KEYS)/config $(STAMP)/tree \
		mk/check-config.sh
	$(call kconfig,$(KOBJX86),$(KFRAGX86) $(KEYS)/config,$(KMAKEX0))

# The KEXEC_SIG_FORCE kernel starts as a copy of the x86 kernel's objects
# and configuration: kbuild then rebuilds only what depends on the option
# (kernel/kexec_file.c) and relinks: 30 s instead of six minutes.  objtool
# is built with absolute paths, so the copy rebuilds it; its outputs get
# the old objtool's time back, or every object would be rebuilt for being
# older than objtool.  Made again whenever the x86 bzImage changed.
$(BZIMAGEF): $(BZIMAGE)
	rm -rf $(KOBJX86F)
	cp -a $(KOBJX86) $(KOBJX86F)
	$(KSRC)/scripts/config --file $(KOBJX86F)/.config -e KEXEC_SIG_FORCE
	$(KMAKEX0) O=$(abspath $(KOBJX86F)) -s olddefconfig
	grep -qx CONFIG_KEXEC_SIG_FORCE=y $(KOBJX86F)/.config
	+$(KMAKEX0) O=$(abspath $(KOBJX86F)) -s tools/objtool
	find $(KOBJX86F)/tools -newer $(KOBJX86)/tools/objtool/objtool \
		-exec touch -h -r $(KOBJX86)/tools/objtool/objtool {} +
	+$(KMAKEX0) O=$(abspath $(KOBJX86F)) -s bzImage

# The 6.1 tree, fetched through the private apt configuration, unpacked
# once; nothing of this project goes into it.
$(STAMP)/tree-6.1: mk/deps.sh | $(STAMP)/deps
	rm -rf $(B)/debs-6.1 $(KSRC61)
	mk/deps.sh debs $(B)/debs-6.1 linux-source-6.1
	dpkg -x $(B)/debs-6.1/linux-source-6.1_*.deb $(B)/debs-6.1/root
	mkdir -p $(KSRC61)
	tar -C $(KSRC61) --strip-components=1 \
		-xf $(B)/debs-6.1/root/usr/src/linux-source-6.1.tar.xz
	rm -rf $(B)/debs-6.1
	@mkdir -p $(@D) && touch $@
$(KOBJ61)/.config: $(KFRAG61) $(STAMP)/tree-6.1 mk/check-config.sh
	@mkdir -p $(KOBJ61)
	$(KMAKE61) -s tinyconfig
	KCONFIG_CONFIG=$(KOBJ61)/.config $(KSRC61)/scripts/kconfig/merge_config.sh \
		-m -O $(KOBJ61) $(KOBJ61)/.config $(KFRAG61) >/dev/null
	$(KMAKE61) -s olddefconfig
	mk/check-config.sh $(KOBJ61)/.config $(KFRAG61)

# Kbuild decides what to rebuild; a no-op run takes about two seconds.
kernel: $(KOBJ)/.config $(KOBJZ)/.config $(KOBJ39)/.config \
		$(KOBJ16K)/.config $(KOBJ64K)/.config $(KOBJ61)/.config
	+$(KMAKEZ) -s vmlinuz.efi
	$(TDIR)/pehash.py -o $(BLIST) -r $(REVOKED) $(ZBOOTZ)
	+$(KMAKE) -s Image vmlinuz.efi
	+$(KMAKE39) -s vmlinuz.efi
	+$(KMAKE16K) -s vmlinuz.efi
	+$(KMAKE64K) -s Image vmlinuz.efi
	+$(KMAKE61) -s vmlinuz.efi
	@ls -l $(IMAGE) $(ZBOOT) $(ZBOOTZ) $(ZBOOT39) $(ZBOOT16K) $(ZBOOT64K) \
		$(IMAGE64K) $(ZBOOT61)

kernel-x86: $(KOBJX86)/.config
	+$(KMAKEX86) -s bzImage
	+@$(MAKE) -s $(BZIMAGEF)
	@ls -l $(BZIMAGE) $(BZIMAGEF)

# ---- kexec-tools ------------------------------------------------------
# kt_patch DIR: apply patches/kexec-tools/series to the source in DIR.
define kt_patch
	cd $(1) && for p in $$(sed -e 's/#.*//' -e '/^\s*$$/d' \
		$(CURDIR)/patches/kexec-tools/series); do \
		echo "kexec-tools: applying $$p"; \
		patch -p1 -s -N < $(CURDIR)/patches/kexec-tools/$$p || exit 1; \
	done
endef

$(STAMP)/kexec-tools-src: $(KTPATCH) mk/prepare-tree.sh | $(STAMP)/deps
	rm -rf $(KT)
	mk/deps.sh source $(KT) kexec-tools
	$(call kt_patch,$(KT)/src)
	@mkdir -p $(@D) && touch $@

# A second copy from the same .dsc for the native x86_64 build.
$(STAMP)/kexec-tools-src-x86_64: $(STAMP)/kexec-tools-src
	rm -rf $(KTX86)
	cd $(KT) && dpkg-source --no-check -x ./*.dsc src-x86_64 >/dev/null
	$(call kt_patch,$(KTX86))
	@mkdir -p $(@D) && touch $@

$(KEXEC): $(STAMP)/kexec-tools-src
	cd $(KT)/src && ./configure -q --host=aarch64-linux-gnu \
		--prefix=/ --without-xen --without-zlib --without-lzma \
		--without-booke LDFLAGS=-static
	$(MAKE) -C $(KT)/src -s -j$(NPROC)
	@touch $@
$(KEXECX86): $(STAMP)/kexec-tools-src-x86_64
	cd $(KTX86) && ./configure -q --prefix=/ --without-xen --without-zlib \
		--without-lzma LDFLAGS=-static
	$(MAKE) -C $(KTX86) -s -j$(NPROC) 2>$(KTX86)/build.log || \
		{ cat $(KTX86)/build.log; exit 1; }
	@touch $@
kexec-tools: $(KEXEC) $(KEXECX86)

$(STAMP)/kexec-tools-2.0.32-src: | $(STAMP)/deps
	rm -rf $(KT32)
	SUITE=forky mk/deps.sh upstream $(KT32) kexec-tools 2.0.32
	@mkdir -p $(@D) && touch $@

$(STAMP)/arm64-dev: | $(STAMP)/deps
	rm -rf $(B)/debs-dev $(DEVROOT)
	mk/deps.sh debs $(B)/debs-dev zlib1g-dev libzstd-dev liblzma-dev
	for d in $(B)/debs-dev/*.deb; do dpkg -x $$d $(DEVROOT); done
	@mkdir -p $(@D) && touch $@

# Without zlib and zstd it could not take a zboot image apart: refuse.
$(KEXEC32): $(STAMP)/kexec-tools-2.0.32-src $(STAMP)/arm64-dev
	cd $(KT32)/src && ./configure -q --host=aarch64-linux-gnu \
		--prefix=/ --without-xen --without-booke \
		CPPFLAGS=-I$(abspath $(DEVROOT))/usr/include \
		LDFLAGS="-static -L$(abspath $(DEVROOT))/usr/lib/aarch64-linux-gnu"
	@for h in HAVE_LIBZ HAVE_LIBZSTD HAVE_LIBLZMA; do \
		grep -q "^#define $$h 1" $(KT32)/src/include/config.h || \
		{ echo "kexec-tools 2.0.32: configure found no $$h"; exit 1; }; \
	done
	$(MAKE) -C $(KT32)/src -s -j$(NPROC) 2>$(KT32)/build.log || \
		{ cat $(KT32)/build.log; exit 1; }
	@touch $@

# ---- guest ------------------------------------------------------------
$(STAMP)/debs: mk/deps.sh | $(STAMP)/deps
	rm -rf $(B)/debs $(B)/arm64-root
	mk/deps.sh debs $(B)/debs busybox-static systemd-boot-efi
	for d in $(B)/debs/*.deb; do dpkg -x $$d $(B)/arm64-root; done
	@mkdir -p $(@D) && touch $@

$(STAMP)/debs-trixie: mk/deps.sh | $(STAMP)/deps
	rm -rf $(B)/debs-trixie $(B)/arm64-root-trixie
	SUITE=trixie mk/deps.sh debs $(B)/debs-trixie systemd-boot-efi
	for d in $(B)/debs-trixie/*.deb; do dpkg -x $$d $(B)/arm64-root-trixie; done
	@mkdir -p $(@D) && touch $@

# The kernel package linux-image-arm64 names; DIR/version records which.
$(STAMP)/debian-kernel: mk/deps.sh | $(STAMP)/deps
	rm -rf $(B)/debian-kernel
	SUITE=trixie mk/deps.sh kernel $(B)/debian-kernel linux-image-arm64
	@mkdir -p $(@D) && touch $@

$(STAMP)/debs-amd64: mk/deps.sh | $(STAMP)/deps
	rm -rf $(B)/debs-amd64 $(B)/amd64-root
	DEB_ARCH=amd64 mk/deps.sh debs $(B)/debs-amd64 busybox-static \
		systemd-boot-efi
	for d in $(B)/debs-amd64/*.deb; do dpkg -x $$d $(B)/amd64-root; done
	@mkdir -p $(@D) && touch $@

$(STAMP)/debs-trixie-amd64: mk/deps.sh | $(STAMP)/deps
	rm -rf $(B)/debs-trixie-amd64 $(B)/amd64-root-trixie
	DEB_ARCH=amd64 SUITE=trixie mk/deps.sh debs $(B)/debs-trixie-amd64 \
		systemd-boot-efi
	for d in $(B)/debs-trixie-amd64/*.deb; do \
		dpkg -x $$d $(B)/amd64-root-trixie; done
	@mkdir -p $(@D) && touch $@

$(STAMP)/debian-kernel-amd64: mk/deps.sh | $(STAMP)/deps
	rm -rf $(B)/debian-kernel-amd64
	DEB_ARCH=amd64 SUITE=trixie mk/deps.sh kernel $(B)/debian-kernel-amd64 \
		linux-image-amd64
	@mkdir -p $(@D) && touch $@

# A UKI of Debian's x86 stub and kernel, and an initrd of a token of its
# own: the stub must hand on exactly these bytes.
$(X86)/uki.efi: $(TDIR)/mkuki.sh $(STAMP)/debs-amd64 $(STAMP)/debian-kernel-amd64
	@mkdir -p $(X86)/initrd.d
	od -An -N8 -tx8 /dev/urandom | tr -d ' ' >$(X86)/initrd.d/token
	(cd $(X86)/initrd.d && echo token | cpio -o -H newc --quiet) >$(X86)/initrd
	printf 'ID=kexecpe\nVERSION_ID=1\n' >$(X86)/os-release
	printf 'console=ttyS0 kexecpe.ustub=1 uki-token=%s' \
		"$$(cat $(X86)/initrd.d/token)" >$(X86)/uki.cmdline
	OBJCOPY=objcopy OBJDUMP=objdump $(TDIR)/mkuki.sh $@ $(STUB_X86) \
		.osrel=$(X86)/os-release .cmdline=$(X86)/uki.cmdline \
		.linux=$(DEBKERNEL_X86) .initrd=$(X86)/initrd

$(X86)/uki257.efi: $(X86)/uki.efi $(STAMP)/debs-trixie-amd64
	OBJCOPY=objcopy OBJDUMP=objdump $(TDIR)/mkuki.sh $@ $(STUB257_X86) \
		.osrel=$(X86)/os-release .cmdline=$(X86)/uki.cmdline \
		.linux=$(DEBKERNEL_X86) .initrd=$(X86)/initrd

# The x86 guest: the same /init, Debian's amd64 busybox, kexec-tools and
# kexec-file-load built natively; the payloads are the x86 kernel.
$(GUESTX86)/kexec-file-load: $(TDIR)/kexec_file_load.c | $(STAMP)/deps
	@mkdir -p $(@D)
	gcc -static -Os -Wall -Wextra -o $@ $<

guest-x86: kernel-x86 $(STAMP)/debs-amd64 $(KEXECX86) \
	$(GUESTX86)/kexec-file-load
	STRIP=strip OBJCOPY=objcopy OBJDUMP=objdump $(TDIR)/mkguest.sh \
		-u $(STUB_X86) -k $(KEYS) $(GUESTX86) $(B)/amd64-root/bin/busybox \
		$(KEXECX86) $(GUESTX86)/kexec-file-load $(BZIMAGE)

$(GUEST)/kexec-file-load: $(TDIR)/kexec_file_load.c | $(STAMP)/deps
	@mkdir -p $(@D)
	$(CROSS)gcc -static -Os -Wall -Wextra -o $@ $<

# Runs every time after the kernel; mkguest.sh only rewrites the archives
# when their content changed.
$(GUEST)/cntvct: $(TDIR)/cntvct.c | $(STAMP)/deps
	@mkdir -p $(@D)
	$(CROSS)gcc -static -nostdlib -ffreestanding -fno-stack-protector -Os \
		-Wall -Wextra -s -o $@ $<

guest: kernel $(STAMP)/debs $(STAMP)/debs-trixie $(STAMP)/debian-kernel \
	$(KEXEC) $(KEXEC32) $(GUEST)/kexec-file-load $(GUEST)/cntvct
	@rm -rf $(GUEST)/bad
	$(TDIR)/mkbadpe.py $(ZBOOT) $(GUEST)/bad
	@cp $(ZBOOTZ) $(GUEST)/vmlinuz-zstd.efi
	@cp $(ZBOOT16K) $(GUEST)/vmlinuz-16k.efi
	@cp $(ZBOOT64K) $(GUEST)/vmlinuz-64k.efi
	@cp $(ZBOOT61) $(GUEST)/vmlinuz-61.efi
	$(TDIR)/mkguest.sh -u $(STUB) -U $(STUB257) -k $(KEYS) \
		-D $(DEBKERNEL) -K $(KEXEC32) -C $(GUEST)/cntvct $(GUEST) \
		$(B)/arm64-root/bin/busybox $(KEXEC) \
		$(GUEST)/kexec-file-load $(IMAGE) $(ZBOOT) \
		$(GUEST)/vmlinuz-zstd.efi $(GUEST)/vmlinuz-16k.efi \
		$(GUEST)/vmlinuz-64k.efi $(GUEST)/vmlinuz-61.efi $(REVOKED) \
		$(GUEST)/bad

# ---- the patch series -------------------------------------------------
# git format-patch series against pristine v6.12 and Debian's kexec-tools
# source, signed off by whoever runs this (mk/series.sh says how).
SERIES   := $(B)/series
series: $(STAMP)/tree $(STAMP)/kexec-tools-src
	mk/series.sh linux $(TARBALL) $(SERIES)/linux
	mk/series.sh kexec-tools $(KT)/kexec-tools_*.dsc $(SERIES)/kexec-tools
	@cd $(SERIES) && for p in linux/*.patch kexec-tools/*.patch; do \
		printf '%-72s %s\n' "$$p" "$$(grep -m1 -E '^ [0-9]+ files? changed' $$p)"; done

# The series applies to pristine sources, is exactly what the build and the
# tests use, and is checkpatch.pl --strict clean (mk/series-check.sh).
series-check-only:
	mk/series-check.sh $(B)/series-check $(TARBALL) $(KSRC) \
		$(KT)/kexec-tools_*.dsc $(KT)/src

# ---- tests ------------------------------------------------------------
RUNNER := $(TDIR)/run_kexec_pe.sh
WRAP   := $(TDIR)/tap-wrap.sh
UMAKE  := $(MAKE) -s -C $(TDIR)/unit KSRC=$(abspath $(KSRC)) \
	  O=$(abspath $(B)/unit)
REAL_PE := $(IMAGE) $(ZBOOT) $(STUB)
FUZZ_SECONDS ?= 60

# objdump's view of each real PE file, for test_real_pe to compare with.
$(B)/unit/od/%.txt: FORCE
	@mkdir -p $(@D)
	$(CROSS)objdump -h -f $(filter %/$*,$(REAL_PE)) >$@
FORCE:

unit-only: $(foreach f,$(REAL_PE),$(B)/unit/od/$(notdir $(f)).txt)
	$(UMAKE) run REAL_PE="$(foreach f,$(REAL_PE),$(abspath $(f))=$(abspath $(B)/unit/od/$(notdir $(f)).txt))"

# A UKI seeds the .linux paths too when the guest has one.
fuzz-only:
	$(UMAKE) fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) \
		SEEDS="$(foreach f,$(REAL_PE),$(abspath $(f))) $$(ls $(abspath $(GUEST))/uki-zboot.efi 2>/dev/null)"

# The real zboot stub on the emulator in user space (qemu-aarch64).
USMAKE := $(MAKE) -s -C $(TDIR)/ustub KSRC=$(abspath $(KSRC)) \
	  O=$(abspath $(B)/ustub)
ustub-only:
	$(USMAKE) run PE=$(abspath $(ZBOOT)) IMAGE=$(abspath $(IMAGE)) \
		INITRD=$(abspath $(GUEST)/base.cpio) \
		CMDLINE="console=ttyAMA0 kexecpe.ustub=1 token=$$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"

# A UKI run given the command line $(2) and no initrd: the kernel must get
# $(3) (a file) as its command line and the UKI's .initrd followed by
# exactly the files $(4) in what the stub appends.
ustub_uki = $(USMAKE) run PE=$(abspath $(GUEST)/$(1)) IMAGE=$(abspath $(IMAGE)) \
	CMDLINE=$(2) ARGS="--expect-cmdline '$$(cat $(GUEST)/$(3))' \
	--expect-initrd $(abspath $(GUEST)/uki/initrd) --initrd-extra '$(4)'"

# systemd-stub 252 with a zboot .linux, given nothing: the UKI's own.
ustub-uki-only:
	$(call ustub_uki,uki-zboot.efi,,uki.cmdline,)
# 257 appends its .osrel to the initrd as /.extra/os-release.
ustub-uki257-only:
	$(call ustub_uki,uki257-zboot.efi,,uki.cmdline,.extra/os-release)
# A two-profile UKI of 257 started as "@1": profile 1's .cmdline.
ustub-uki257-profile-only:
	$(call ustub_uki,uki257-profile.efi,@1,uki-profile1.cmdline,.extra/os-release .extra/profile)

# x86_64, natively: Debian's signed bzImage given a command line and an
# initrd, and systemd-stub 252 with it in a UKI, given nothing.
ustub-x86-only:
	$(USMAKE) run-x86_64 PE=$(abspath $(DEBKERNEL_X86)) \
		IMAGE=$(abspath $(DEBKERNEL_X86)) INITRD=$(abspath $(X86)/initrd) \
		CMDLINE="console=ttyS0 kexecpe.ustub=1 token=$$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
ustub_x86_uki = $(USMAKE) run-x86_64 PE=$(abspath $(X86)/$(1)) \
	IMAGE=$(abspath $(DEBKERNEL_X86)) CMDLINE= \
	ARGS="--expect-cmdline '$$(cat $(X86)/uki.cmdline)' \
	--expect-initrd $(abspath $(X86)/initrd) --initrd-extra '$(2)'"
ustub-x86-uki-only:
	$(call ustub_x86_uki,uki.efi,)
# 257 appends its .osrel to the initrd as /.extra/os-release.
ustub-x86-uki257-only:
	$(call ustub_x86_uki,uki257.efi,.extra/os-release)

# The 6.1 zboot stub: it serves its kernel to LoadImage() through a
# LoadFile2 protocol of its own.
ustub-61-only:
	$(USMAKE) run PE=$(abspath $(ZBOOT61)) \
		INITRD=$(abspath $(GUEST)/base.cpio) \
		CMDLINE="console=ttyAMA0 kexecpe.ustub=1 token=$$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"

# Each tier brings what it runs on up to date first; check does that once
# (guest) and then runs TIER-only, which skips it: every pass through the
# seven kernel builds costs half a minute even with nothing to do.
series-check: $(STAMP)/tree $(STAMP)/kexec-tools-src
unit fuzz: kernel $(STAMP)/debs
ustub ustub-61 ustub-uki ustub-uki257 ustub-uki257-profile: guest
ustub-x86 ustub-x86-uki ustub-x86-uki257: x86
$(TIERS): %:
	@$(MAKE) -s $*-only

e2e: guest guest-x86
	$(RUNNER) -b $(B) -o $(B)/e2e

# What the x86_64 tiers run on.
x86: $(STAMP)/tree $(X86)/uki.efi $(X86)/uki257.efi guest-x86

# Every tier writes TAP to build/results; the summary's last line is
# "N passed, N failed".  A tier that fails to build shows up as a failure.
check: $(CHECK_NEEDS)
	@mkdir -p $(B)/results
	@rm -f $(B)/results/*.tap
	@$(MAKE) -s series-check-only >$(B)/results/series.tap 2>&1 || \
		echo "not ok 1 series-check-run" >>$(B)/results/series.tap
	@grep -E '^(not )?ok ' $(B)/results/series.tap || true
ifneq ($(CHECK_ARCH),x86_64)
	@$(MAKE) -s unit-only >$(B)/results/unit.tap 2>$(B)/results/unit.err || \
		{ echo "not ok 1 unit-build"; tail -n 20 $(B)/results/unit.err; } \
		>>$(B)/results/unit.tap
	@grep -E '^(not )?ok |^# Totals' $(B)/results/unit.tap || true
	@$(WRAP) fuzz-pe $(B)/results/fuzz.log $(MAKE) -s fuzz-only \
		| tee $(B)/results/fuzz.tap; true
endif
	@for t in $(CHECK_USTUBS); do \
		$(MAKE) -s $$t-only >$(B)/results/$$t.tap 2>&1 || \
		echo "not ok 1 $$t-run" >>$(B)/results/$$t.tap; done
	@grep -E '^(not )?ok |^# ' $(B)/results/ustub*.tap || true
	@$(RUNNER) -b $(B) -o $(B)/e2e $(if $(CHECK_ARCH),-a $(CHECK_ARCH)) \
		| tee $(B)/results/e2e.tap; true
	@$(TDIR)/tap-summary.sh $(B)/results/*.tap

demo: guest
	$(RUNNER) -b $(B) -o $(B)/demo -v image-direct pe-zboot-direct \
		pe-zboot-uefi uki-direct uki-uefi

bench: guest
	$(TDIR)/bench.sh -b $(B) -n 5 | tee $(B)/bench.txt

clean:
	rm -rf $(KOBJ) $(KOBJZ) $(KOBJ39) $(KOBJ16K) $(KOBJ64K) $(KOBJ61) $(GUEST) \
		$(B)/e2e $(B)/results $(B)/unit $(B)/ustub $(SERIES) $(B)/series-check \
		$(X86) $(KOBJX86) $(KOBJX86F) $(GUESTX86)
distclean:
	rm -rf $(B)
