// SPDX-License-Identifier: GPL-2.0
/*
 * kexec_file_load() of PE/COFF kernels (EFI zboot, systemd UKI) through the
 * EFI boot-services emulator.
 *
 * The image is not unpacked here: it is loaded as it is, the signed object
 * being the one that runs.  Besides it the loader adds the emulator (a
 * blob built from drivers/firmware/efi/efi_emulator/) and a parameter blob
 * (include/linux/efi_emulator.h) describing the memory the emulator may
 * use (kexec_pe_memmap.c), the command line, the initrd and the console;
 * the architecture adds its own segments and the state the emulator is
 * entered with (arch_kexec_pe_segments(), arch_kexec_pe_entry()).  At
 * kexec -e the emulator runs the image's own EFI stub, which boots the
 * next kernel.
 */
#define pr_fmt(fmt)	"kexec_file(PE): " fmt

#include <linux/acpi.h>
#include <linux/ctype.h>
#include <linux/efi.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kexec.h>
#include <linux/pe.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/unaligned.h>
#include <asm/setup.h>

#include "kexec_pe.h"

/*
 * What booting needs beyond the images: the stub's copy of the FDT (on
 * arm64 MAX_FDT_SIZE, 2 MiB), and the emulator's pool, tables and memory
 * map.
 */
#define PE_EMU_SLACK		SZ_4M

/* Configuration tables of the first boot handed on (add_tables()). */
#define PE_MAX_TABLES		10

/* The lowest address the stub puts the kernel at (x86: 16 MiB). */
#ifndef KEXEC_PE_KERNEL_MIN
#define KEXEC_PE_KERNEL_MIN	0
#endif

/*
 * An architecture whose crash kernel learns where the ELF core header is
 * from elfcorehdr= on its command line alone (x86) says so: the emulator
 * then appends elfcorehdr= to the kernel's command line, whichever one it
 * boots with (a UKI's .cmdline too), and the header is reserved memory in
 * its map, where the bzImage path leaves it out of the crash kernel's
 * e820 table.  Elsewhere the DT names it (linux,elfcorehdr).
 */
#ifndef KEXEC_PE_ELFCOREHDR_CMDLINE
#define KEXEC_PE_ELFCOREHDR_CMDLINE	false
#endif

/* "elfcorehdr=0x" and 16 hex digits, the space before it and the NUL. */
#define PE_KERNEL_ARGS_MAX	32

struct pe_loader_data {
	struct efi_emulator_param *param;
	void *arch_buf;
};

/* The loader's state from pe_load() to the finished blob. */
struct pe_load {
	struct kimage *image;
	const char *kernel;
	unsigned long kernel_len;
	const char *initrd;
	unsigned long initrd_len;
	char *cmdline;
	unsigned long cmdline_len;
	u32 image_size;			/* SizeOfImage */
	size_t cmdline_units;		/* UTF-16 code units, with the NUL */
	struct kexec_pe_memmap map;
	struct efi_emulator_param *param;	/* the blob being filled */
	u32 param_size;
	void *arch_buf;			/* vmalloc()ed segment data */
	unsigned long orig_segments;	/* added before this loader ran */
	unsigned long pe_mem, emu_mem, rt_mem, initrd_mem, blob_mem;
	u32 kernel_args_offset;		/* room for them in the blob, or 0 */
};

static bool elfcorehdr_arg(const struct kimage *image)
{
	return KEXEC_PE_ELFCOREHDR_CMDLINE && image->type == KEXEC_TYPE_CRASH;
}

/*
 * A PE image for this machine.  The architecture's own loaders come first
 * in kexec_file_loaders[] and take their images (an arm64 Image is MZ/PE
 * too) before this probe sees them.
 */
static int pe_probe(const char *buf, unsigned long len)
{
	struct mz_hdr mz;
	struct pe_hdr pe;

	if (len < sizeof(mz))
		return -ENOEXEC;
	memcpy(&mz, buf, sizeof(mz));
	if (le16_to_cpu(mz.magic) != MZ_MAGIC)
		return -ENOEXEC;
	if (le32_to_cpu(mz.peaddr) > len - sizeof(pe))
		return -ENOEXEC;
	memcpy(&pe, buf + le32_to_cpu(mz.peaddr), sizeof(pe));
	if (le32_to_cpu(pe.magic) != PE_MAGIC)
		return -ENOEXEC;
	if (le16_to_cpu(pe.machine) != KEXEC_PE_MACHINE) {
		pr_err("PE machine 0x%x is not this machine's\n",
		       le16_to_cpu(pe.machine));
		return -ENOEXEC;
	}
	return 0;
}

#ifndef arch_kexec_pe_acpi_rsdp
static inline u64 arch_kexec_pe_acpi_rsdp(void)
{
	return 0;
}
#endif

#ifndef arch_kexec_pe_smbios
static inline u64 arch_kexec_pe_smbios(bool *v3)
{
	return 0;
}
#endif

/*
 * The ACPI root of a boot without EFI (on x86 the decompressor found it
 * in the BIOS area or the boot parameters): the next kernel, booted
 * through EFI, looks for it among the configuration tables only.  An RSDP
 * of revision 0 is an ACPI 1.0 one, which firmware lists under
 * ACPI_TABLE_GUID.
 */
static unsigned long acpi_root(bool *v1)
{
	unsigned long pa = EFI_INVALID_TABLE_ADDR;
#ifdef CONFIG_ACPI
	struct acpi_table_rsdp *rsdp;
	u64 root;

	if (acpi_disabled)
		return pa;
	root = arch_kexec_pe_acpi_rsdp();
	if (!root)
		return pa;
	rsdp = acpi_os_map_memory(root, sizeof(*rsdp));
	if (!rsdp)
		return pa;
	*v1 = !rsdp->revision;
	acpi_os_unmap_memory(rsdp, sizeof(*rsdp));
	pa = root;
#endif
	return pa;
}

static void put_table(struct efi_emulator_table *t, const efi_guid_t *guid,
		      unsigned long addr)
{
	memcpy(t->guid, guid, sizeof(t->guid));
	t->addr = addr;
}

/*
 * Firmware tables of the first boot the next kernel needs to see, and the
 * running kernel's memreserve list (the emulator keeps it behind the
 * empty one the next stub installs).  After a boot without EFI, the ACPI
 * root and the SMBIOS entry point, wherever the arch finds them.
 */
static u32 add_tables(struct efi_emulator_table *t)
{
	static const efi_guid_t acpi10 = ACPI_TABLE_GUID;
	static const efi_guid_t acpi20 = ACPI_20_TABLE_GUID;
	static const efi_guid_t smbios = SMBIOS_TABLE_GUID;
	static const efi_guid_t smbios3 = SMBIOS3_TABLE_GUID;
	static const efi_guid_t memattr = EFI_MEMORY_ATTRIBUTES_TABLE_GUID;
	static const efi_guid_t memreserve = LINUX_EFI_MEMRESERVE_TABLE_GUID;
	static const efi_guid_t esrt = EFI_SYSTEM_RESOURCE_TABLE_GUID;
	static const efi_guid_t tpm_log = LINUX_EFI_TPM_EVENT_LOG_GUID;
	static const efi_guid_t tpm_final = EFI_TCG2_FINAL_EVENTS_TABLE_GUID;
	static const efi_guid_t mokvar = LINUX_EFI_MOK_VARIABLE_TABLE_GUID;
	/*
	 * The running kernel reserved what these tables occupy in memblock
	 * (memattr.c, esrt.c, tpm.c, mokvar-table.c), so the map reports it
	 * in use and nothing overwrites it before the next kernel reserves
	 * it in turn.
	 */
	const struct {
		const efi_guid_t *guid;
		unsigned long addr;
	} list[PE_MAX_TABLES] = {
		{ &acpi20, efi.acpi20 },
		{ &acpi10, efi.acpi },
		{ &smbios, efi.smbios },
		{ &smbios3, efi.smbios3 },
		{ &memattr, efi_mem_attr_table },
		{ &memreserve, efi_memreserve_root_phys() ?:
			       EFI_INVALID_TABLE_ADDR },
		{ &esrt, efi.esrt },
		{ &tpm_log, efi.tpm_log },
		{ &tpm_final, efi.tpm_final_log },
		{ &mokvar, efi.mokvar_table },
	};
	unsigned long root;
	bool v1 = false, v3 = false;
	u32 i, n = 0;

	if (!efi_enabled(EFI_BOOT)) {
		root = acpi_root(&v1);
		if (root != EFI_INVALID_TABLE_ADDR)
			put_table(&t[n++], v1 ? &acpi10 : &acpi20, root);
		root = arch_kexec_pe_smbios(&v3);
		if (root)
			put_table(&t[n++], v3 ? &smbios3 : &smbios, root);
		return n;
	}
	for (i = 0; i < ARRAY_SIZE(list); i++) {
		if (list[i].addr != EFI_INVALID_TABLE_ADDR)
			put_table(&t[n++], list[i].guid, list[i].addr);
	}
	return n;
}

/*
 * For an EFI zboot image, the size of the kernel it decompresses.  The
 * zboot header gives the payload's offset and size and the compression;
 * the decompressed size (the inner SizeOfImage) is
 * the last four bytes of a gzip payload, and the four bytes after any
 * other payload (see libstub/Makefile.zboot).
 */
static u64 zboot_payload_size(const char *buf, unsigned long len)
{
	u32 off, size, end;

	if (len < 0x20 || memcmp(buf + 4, "zimg", 4))
		return 0;
	off = get_unaligned_le32(buf + 8);
	size = get_unaligned_le32(buf + 12);
	if (off > len || size > len - off)
		return 0;
	end = off + size;
	if (strncmp(buf + 0x18, "gzip", 8))
		end += 4;
	if (end < 4 || end > len)
		return 0;
	return get_unaligned_le32(buf + end - 4);
}

/*
 * What the kernel of the image (a UKI's .linux) takes once unpacked: the
 * decompressed size of an EFI zboot image, the init_size of an x86
 * bzImage (boot protocol 2.10 and later), else 0.
 */
static u64 payload_size(const char *buf, unsigned long len)
{
	buf = kexec_pe_linux(buf, len, KEXEC_PE_MACHINE, &len);
	if (len >= 0x264 && !memcmp(buf + 0x202, "HdrS", 4) &&
	    get_unaligned_le16(buf + 0x206) >= 0x20a)
		return get_unaligned_le32(buf + 0x260);
	return zboot_payload_size(buf, len);
}

/*
 * Refuse at load time what could only fail after kexec -e (for kdump,
 * after the crash): free memory for the image as loaded, the kernel a
 * zboot image decompresses (or an x86 bzImage's init_size), the stub's
 * copy of the initrd and the emulator's pool; and one free block for the
 * kernel image, which the stub aligns to KEXEC_PE_KERNEL_ALIGN (above
 * KEXEC_PE_KERNEL_MIN) when it must move it.
 */
static int check_room(struct pe_load *l)
{
	u64 payload = payload_size(l->kernel, l->kernel_len);
	u64 need = l->image_size + payload + l->initrd_len + PE_EMU_SLACK;
	u64 block = max_t(u64, l->image_size, payload) + KEXEC_PE_KERNEL_ALIGN;

	kexec_dprintk("PE image: SizeOfImage %u, payload %llu, needs %llu KiB, block %llu KiB\n",
		      l->image_size, payload, need >> 10, block >> 10);
	return kexec_pe_memmap_check_room(&l->map, need, block,
					  KEXEC_PE_KERNEL_MIN);
}

/*
 * Segments go top-down, except the PE file: the architecture may place
 * its own segments above it (arm64 puts the DTB above the "kernel").
 */
static int add_segment(struct kimage *image, const void *buf,
		       unsigned long bufsz, unsigned long memsz,
		       unsigned long align, bool top_down, unsigned long *mem,
		       const char *what)
{
	struct kexec_buf kbuf = { .image = image };
	int ret;

	kbuf.buffer = (void *)buf;
	kbuf.bufsz = bufsz;
	kbuf.memsz = ALIGN(memsz, PAGE_SIZE);
	kbuf.buf_align = align;
	kbuf.buf_min = 0;
	kbuf.buf_max = ULONG_MAX;
	kbuf.top_down = top_down;
	kbuf.mem = KEXEC_BUF_MEM_UNKNOWN;
	ret = kexec_add_buffer(&kbuf);
	if (ret) {
		pr_err("no room for the %s (%lu bytes)\n", what, memsz);
		return ret;
	}
	*mem = kbuf.mem;
	kexec_dprintk("Loaded %s at 0x%lx bufsz=0x%lx memsz=0x%lx\n", what,
		      kbuf.mem, kbuf.bufsz, kbuf.memsz);
	return 0;
}

/*
 * What the emulator's map calls each segment.  Segments the kexec core
 * added before this loader ran (IMA's measurement list) must outlive the
 * boot: they become EfiACPIReclaimMemory, which the next kernel maps and
 * keeps reserved (efi-init.c keeps it "intact for kexec"), where the DT's
 * /memreserve/ entry that protects them on the Image path is gone (the
 * stub deletes those) and the DT property naming them stays.
 */
static u32 segment_type(const struct kimage *image, u32 i, u32 first,
			unsigned long emu_mem, unsigned long rt_mem)
{
	if (i < first)
		return EFI_ACPI_RECLAIM_MEMORY;
	if (elfcorehdr_arg(image) && image->segment[i].mem == image->elf_load_addr)
		return EFI_RESERVED_TYPE;
	if (image->segment[i].mem == emu_mem)
		return EFI_BOOT_SERVICES_CODE;
	if (image->segment[i].mem == rt_mem)
		return EFI_RUNTIME_SERVICES_DATA;
	return EFI_BOOT_SERVICES_DATA;
}

static int fill_cmdline(struct efi_emulator_param *p, u32 off, u32 room,
			const char *cmdline, unsigned long len)
{
	size_t units = room / sizeof(u16);
	int ret;

	ret = kexec_pe_utf16(cmdline ?: "", cmdline ? len : 0,
			     (u16 *)((u8 *)p + off), &units);
	if (ret) {
		pr_err("command line is not valid UTF-8\n");
		return ret;
	}
	p->cmdline_offset = off;
	p->cmdline_size = units * sizeof(u16);
	return 0;
}

/*
 * A command line that only selects a profile: "@N", alone or with the one
 * space systemd-stub (257 and later) strips after it.
 */
static bool profile_only(const char *cmdline, unsigned long len, u32 *profile)
{
	unsigned long n = strnlen(cmdline, len), i;
	u64 v = 0;

	if (n < 2 || cmdline[0] != '@')
		return false;
	for (i = 1; i < n && isdigit(cmdline[i]); i++) {
		v = v * 10 + cmdline[i] - '0';
		if (v > U32_MAX)
			return false;
	}
	if (i == 1 || (i < n && (cmdline[i] != ' ' || i + 1 != n)))
		return false;
	*profile = v;
	return true;
}

/*
 * systemd-stub lets LoadOptions replace a UKI's .cmdline unless Secure
 * Boot is on.  Under lockdown the kernel stands where Secure Boot would:
 * the signed command line must be the one that boots, so a load that
 * passes another is refused now rather than silently overridden (or
 * silently ignored, had the emulator reported Secure Boot to the stub).
 * Selecting one of the image's signed profiles ("@N") is no other command
 * line: the stub honours it under Secure Boot too.
 */
static int check_uki_cmdline(const char *kernel, unsigned long kernel_len,
			     const char *cmdline, unsigned long cmdline_len)
{
	u32 profile, profiles;

	if (!cmdline || !strnlen(cmdline, cmdline_len) ||
	    !kexec_pe_has_section(kernel, kernel_len, KEXEC_PE_MACHINE, ".linux") ||
	    !kexec_pe_has_section(kernel, kernel_len, KEXEC_PE_MACHINE, ".cmdline"))
		return 0;
	if (!security_locked_down(LOCKDOWN_KEXEC))
		return 0;
	if (profile_only(cmdline, cmdline_len, &profile)) {
		profiles = kexec_pe_count_sections(kernel, kernel_len,
						   KEXEC_PE_MACHINE, ".profile");
		if (profile < profiles)
			return 0;
		pr_err("the kernel is locked down: this Unified Kernel Image has %u signed profiles, none is @%u\n",
		       profiles, profile);
		return -EPERM;
	}
	pr_err("the kernel is locked down: this Unified Kernel Image boots with its signed .cmdline, not another\n");
	return -EPERM;
}

/*
 * The crash kernel truncates its command line to COMMAND_LINE_SIZE: had
 * the one it boots with (the load's, else a UKI's .cmdline) no room for
 * elfcorehdr= at its end, it would boot after the crash as if it were no
 * crash kernel.
 */
static int check_kernel_args_room(const struct pe_load *l)
{
	unsigned long len = 0;

	if (!elfcorehdr_arg(l->image))
		return 0;
	if (l->cmdline)
		len = strnlen(l->cmdline, l->cmdline_len);
	if (!len)
		len = kexec_pe_section_size(l->kernel, l->kernel_len,
					    KEXEC_PE_MACHINE, ".cmdline");
	if (len + PE_KERNEL_ARGS_MAX > COMMAND_LINE_SIZE) {
		pr_err("a %lu byte command line leaves no room for the crash kernel's elfcorehdr=\n",
		       len);
		return -EINVAL;
	}
	return 0;
}

/*
 * What can be known about the image now and would only fail later: a
 * damaged emulator, an image the emulator would refuse, a revoked one, a
 * command line or an initrd the UKI's stub would not take.
 */
static int check_image(struct pe_load *l)
{
	const struct efi_emulator_header *hdr = (const void *)efi_emulator_blob;
	int ret;

	if (le64_to_cpu(hdr->magic) != EFI_EMULATOR_IMAGE_MAGIC) {
		pr_err("the built-in EFI emulator is damaged\n");
		return -ENOEXEC;
	}
	ret = kexec_pe_check(l->kernel, l->kernel_len, KEXEC_PE_MACHINE,
			     &l->image_size);
	if (!ret)
		ret = kexec_pe_check_revoked(l->kernel, l->kernel_len,
					     KEXEC_PE_MACHINE);
	if (!ret)
		ret = check_uki_cmdline(l->kernel, l->kernel_len, l->cmdline,
					l->cmdline_len);
	if (ret)
		return ret;
	/*
	 * systemd-stub registers its .initrd over LoadFile2 and fails when
	 * another initrd is there already: at kexec -e, or for kdump after
	 * the crash.  Say so now.
	 */
	if (l->initrd &&
	    kexec_pe_has_section(l->kernel, l->kernel_len, KEXEC_PE_MACHINE,
				 ".linux") &&
	    kexec_pe_has_section(l->kernel, l->kernel_len, KEXEC_PE_MACHINE,
				 ".initrd")) {
		pr_err("this Unified Kernel Image brings its own initrd; systemd-stub refuses a second one\n");
		return -EINVAL;
	}
	ret = kexec_pe_utf16(l->cmdline ?: "", l->cmdline ? l->cmdline_len : 0,
			     NULL, &l->cmdline_units);
	if (ret && ret != -ENOSPC) {
		pr_err("command line is not valid UTF-8\n");
		return ret;
	}
	return check_kernel_args_room(l);
}

/*
 * The first boot's runtime services, at the virtual addresses it gave
 * them.  A crash kernel gets none: other CPUs of the crashed system may be
 * inside the firmware, and the crash kernel must not depend on it (it runs
 * as with efi=noruntime).  A table that supports nothing (as the
 * emulator's stand-in, after a PE kexec from a boot without EFI) is not
 * worth passing on.
 */
static bool pass_runtime(const struct kimage *image)
{
	return efi_enabled(EFI_RUNTIME_SERVICES) && efi.runtime_supported_mask &&
	       image->type != KEXEC_TYPE_CRASH;
}

/*
 * The parameter blob: header, command line, tables, memory map, and room
 * for the ranges in use, which are known once every segment is placed.
 */
static int alloc_blob(struct pe_load *l)
{
	const struct kexec_pe_memmap *map = &l->map;
	u32 cmd_room = ALIGN(l->cmdline_units * sizeof(u16), 8), off;
	u32 args_room = elfcorehdr_arg(l->image) ?
			PE_KERNEL_ARGS_MAX * sizeof(u16) : 0;
	struct efi_emulator_param *p;
	int ret;

	l->param_size = ALIGN(sizeof(*p), 8) + cmd_room + args_room +
			PE_MAX_TABLES * sizeof(struct efi_emulator_table) +
			(map->nr_desc + map->max_in_use) * sizeof(*map->desc);
	p = kzalloc(l->param_size, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	l->param = p;
	off = ALIGN(sizeof(*p), 8);
	ret = fill_cmdline(p, off, cmd_room, l->cmdline, l->cmdline_len);
	if (ret)
		return ret;
	off += cmd_room;
	if (args_room)
		l->kernel_args_offset = off;
	off += args_room;
	p->tables_offset = off;
	p->tables_count = add_tables((void *)((u8 *)p + off));
	off += PE_MAX_TABLES * sizeof(struct efi_emulator_table);
	p->memmap_offset = off;
	p->memmap_count = map->nr_desc;
	memcpy((u8 *)p + off, map->desc, map->nr_desc * sizeof(*map->desc));
	p->reserved_offset = off + map->nr_desc * sizeof(*map->desc);
	return 0;
}

/*
 * The segments: the PE file, the emulator, its runtime block (system
 * table, configuration table array, runtime services table: 64 KiB, as
 * AArch64 UEFI sizes runtime memory), the initrd, the architecture's own,
 * and last the blob, which is finished only when every segment is placed:
 * kexec copies the segments' contents after the load returns.
 */
static int add_segments(struct pe_load *l)
{
	const struct efi_emulator_header *hdr = (const void *)efi_emulator_blob;
	struct kimage *image = l->image;
	int ret;

	ret = add_segment(image, l->kernel, l->kernel_len, l->kernel_len,
			  SZ_64K, false, &l->pe_mem, "PE image");
	if (!ret)
		ret = add_segment(image, efi_emulator_blob,
				  efi_emulator_blob_end - efi_emulator_blob,
				  le64_to_cpu(hdr->mem_size), SZ_64K, true,
				  &l->emu_mem, "EFI emulator");
	if (!ret)
		ret = add_segment(image, NULL, 0, EFI_EMULATOR_RT_SIZE,
				  EFI_EMULATOR_RT_SIZE, true, &l->rt_mem,
				  "EFI runtime block");
	if (!ret && l->initrd)
		ret = add_segment(image, l->initrd, l->initrd_len,
				  l->initrd_len, SZ_64K, true, &l->initrd_mem,
				  "initrd");
	if (!ret)
		ret = arch_kexec_pe_segments(image, l->param, l->pe_mem,
					     l->kernel_len, l->cmdline);
	if (!ret)
		ret = add_segment(image, l->param, l->param_size,
				  l->param_size, SZ_64K, true, &l->blob_mem,
				  "parameters");
	return ret;
}

/*
 * What the emulator appends to the kernel's command line: for a crash
 * kernel that needs it, where the architecture put the ELF core header.
 */
static int fill_kernel_args(struct pe_load *l)
{
	struct efi_emulator_param *p = l->param;
	char args[PE_KERNEL_ARGS_MAX];
	size_t units = PE_KERNEL_ARGS_MAX;
	int ret;

	if (!l->kernel_args_offset)
		return 0;
	if (!l->image->elf_headers_sz) {
		pr_err("no ELF core header for the crash kernel\n");
		return -EINVAL;
	}
	snprintf(args, sizeof(args), "elfcorehdr=0x%lx",
		 l->image->elf_load_addr);
	ret = kexec_pe_utf16(args, strlen(args) + 1,
			     (u16 *)((u8 *)p + l->kernel_args_offset), &units);
	if (ret)
		return ret;
	p->kernel_args_offset = l->kernel_args_offset;
	p->kernel_args_size = units * sizeof(u16);
	kexec_dprintk("the crash kernel gets %s\n", args);
	return 0;
}

/* Every segment, and the memreserve list, in use in the emulator's map. */
static int mark_in_use(struct pe_load *l)
{
	struct kimage *image = l->image;
	unsigned long i;
	int ret;

	for (i = 0; i < image->nr_segments; i++) {
		ret = kexec_pe_memmap_mark(&l->map, image->segment[i].mem,
					   image->segment[i].memsz,
					   segment_type(image, i,
							l->orig_segments,
							l->emu_mem,
							l->rt_mem));
		if (ret)
			return ret;
	}
	return kexec_pe_memmap_mark_memreserve(&l->map);
}

/* The rest of the blob, now that everything is placed. */
static void finish_blob(struct pe_load *l)
{
	struct efi_emulator_param *p = l->param;

	memcpy((u8 *)p + p->reserved_offset, l->map.in_use,
	       l->map.nr_in_use * sizeof(*l->map.in_use));
	p->reserved_count = l->map.nr_in_use;
	p->magic = EFI_EMULATOR_PARAM_MAGIC;
	p->version = EFI_EMULATOR_VERSION;
	p->size = l->param_size;
	p->pe_base = l->pe_mem;
	p->pe_size = l->kernel_len;
	p->initrd_base = l->initrd_mem;
	p->initrd_size = l->initrd ? l->initrd_len : 0;
	p->rt_base = l->rt_mem;
	if (l->image->type == KEXEC_TYPE_CRASH)
		p->flags |= EFI_EMULATOR_F_CRASH;
	if (l->map.runtime) {
		p->runtime = (u64)(unsigned long)efi.runtime;
		p->runtime_supported = efi.runtime_supported_mask;
	}
}

static void *pe_load(struct kimage *image, char *kernel,
		     unsigned long kernel_len, char *initrd,
		     unsigned long initrd_len, char *cmdline,
		     unsigned long cmdline_len)
{
	struct pe_load l = {
		.image = image, .orig_segments = image->nr_segments,
		.kernel = kernel, .kernel_len = kernel_len,
		.initrd = initrd, .initrd_len = initrd_len,
		.cmdline = cmdline, .cmdline_len = cmdline_len,
	};
	struct pe_loader_data *data;
	int ret;

	/* The architecture's part of the blob has a fixed size. */
	BUILD_BUG_ON(sizeof(l.param->arch) != EFI_EMULATOR_ARCH_SIZE);
	ret = check_image(&l);
	if (!ret)
		ret = kexec_pe_memmap_read(&l.map,
					   image->type == KEXEC_TYPE_CRASH,
					   pass_runtime(image),
					   KEXEC_SEGMENT_MAX);
	if (!ret)
		ret = alloc_blob(&l);
	if (!ret)
		ret = add_segments(&l);
	if (!ret)
		ret = fill_kernel_args(&l);
	if (!ret) {
		kexec_pe_find_console(&l.param->con);
		ret = arch_kexec_pe_entry(image, l.param, l.emu_mem, l.blob_mem,
					  &l.arch_buf);
	}
	if (!ret)
		ret = mark_in_use(&l);
	if (!ret)
		ret = check_room(&l);
	if (!ret) {
		finish_blob(&l);
		ret = kexec_pe_check_map(l.param);
	}
	data = ret ? NULL : kzalloc(sizeof(*data), GFP_KERNEL);
	if (!ret && !data)
		ret = -ENOMEM;
	kexec_pe_memmap_release(&l.map);
	if (ret) {
		image->nr_segments = l.orig_segments;
		kfree(l.param);
		vfree(l.arch_buf);
		return ERR_PTR(ret);
	}
	data->param = l.param;
	data->arch_buf = l.arch_buf;
	return data;
}

/* The core frees the loader data itself after this. */
static int pe_cleanup(void *loader_data)
{
	struct pe_loader_data *data = loader_data;

	if (data) {
		kfree(data->param);
		vfree(data->arch_buf);
	}
	return 0;
}

const struct kexec_file_ops pe_image_ops = {
	.probe = pe_probe,
	.load = pe_load,
	.cleanup = pe_cleanup,
#ifdef CONFIG_KEXEC_SIG
	.verify_sig = kexec_kernel_verify_pe_sig,
#endif
};
