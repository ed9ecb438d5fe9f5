// SPDX-License-Identifier: GPL-2.0
/*
 * ustub - run a real, unmodified EFI stub on the emulator in user space.
 *
 * The emulator's generic code is built as an aarch64 Linux program and run
 * under qemu-aarch64, or natively as an x86_64 one: RAM is an mmap() at the
 * addresses the memory map describes, the console is stdout, and the
 * runtime services are those of a boot without EFI (see below).  The stub
 * (vmlinuz.efi, a bzImage) runs until it calls ExitBootServices(); there
 * the state is captured and checked: the kernel it decompressed, what it
 * hands the kernel (arm64: the DT /chosen; x86: struct boot_params, found
 * by its signature in the pages the stub allocated), the initrd it loaded,
 * the memory map it handed over.  Results are TAP.
 *
 * On x86_64 every call into the stub and back is in the Microsoft calling
 * convention (__efiapi): the x86 stub and systemd-stub run on the
 * emulator's services exactly as they will after kexec -e.  The x86 stub
 * decompresses the kernel below 512 MiB (EFI_X86_KERNEL_ALLOC_LIMIT), so
 * RAM starts at 16 MiB there, above the static binary.
 *
 * Two instructions of the arm64 stub cannot run at EL0, both in
 * efi_cache_sync_image() (drivers/firmware/efi/libstub/arm64.c), right
 * after decompression: "mrs Xt, clidr_el1" (read_cpuid_effective_cachetype()
 * when CTR_EL0.IDC is clear) and "ic ialluis".  The SIGILL handler
 * performs exactly these two: CLIDR_EL1 reads as 0 (LoC 0: no cache
 * maintenance needed for coherency, which holds under TCG) and the
 * I-cache invalidate is a no-op for the same reason.  Any other SIGILL
 * fails the run.
 *
 * A Unified Kernel Image runs the same way: systemd-stub starts its .linux
 * through LoadImage()/StartImage() and serves its .initrd itself, so the
 * expected command line and initrd are the UKI's (--expect-cmdline,
 * --expect-initrd).  systemd-stub 257 appends archives of its own (its
 * .osrel as /.extra/os-release, say): --initrd-extra names the files those
 * must hold, in order, and nothing else may follow.  The runtime services
 * table behaves as the stand-in of a boot without EFI (no variables,
 * nothing supported) but records the calls, so the trace shows which
 * variables a stub looks for.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <ucontext.h>
#include <unistd.h>
#include <libfdt.h>
#include "emulator.h"

#ifdef __aarch64__
#define RAM_BASE	0x40000000UL	/* QEMU virt */
#define NEED_DTB	1
#define IC_IALLUIS	0xd508711fU
#define MRS_CLIDR_EL1	0xd5390020U	/* | Rt */
#else
#define RAM_BASE	0x1000000UL	/* LOAD_PHYSICAL_ADDR */
#define NEED_DTB	0
#endif
#define RAM_SIZE	(512UL << 20)

static struct emulator emu_state;
static efi_runtime_services_t rt_table;
static struct {
	char what[80];
	int n;
} rt_calls[32];
static struct emu_region regions[256];
static sigjmp_buf at_ebs;
static int tap_n, tap_fail;
#ifdef __aarch64__
static int ic_emulated, clidr_emulated;
#endif

static void tap(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	tap_fail += !ok;
}

static void host_write(const char *s, size_t len)
{
	fwrite(s, 1, len, stdout);
}

static efi_status_t host_random(void *buf, size_t len)
{
	return getrandom(buf, len, 0) == (ssize_t)len ? EFI_SUCCESS :
	       EFI_DEVICE_ERROR;
}

static void host_sync_code(void *start, size_t len)
{
	__builtin___clear_cache(start, (char *)start + len);
}

static void host_delay(unsigned long us)
{
	usleep(us);
}

/*
 * arm64: the run ends in ExitBootServices().  x86: the stub builds the
 * e820 table after ExitBootServices() returns, so it runs on until its
 * first privileged instruction (on_sigsegv()).
 */
static void host_ebs(void)
{
#ifdef __aarch64__
	siglongjmp(at_ebs, 1);
#endif
}

static const struct emu_platform_ops ops = {
	.write = host_write,
	.get_random = host_random,
	.sync_code = host_sync_code,
	.delay_us = host_delay,
	.exit_boot_services = host_ebs,
};

/* Record one runtime service call, with the variable name if any. */
static void rt_record(const char *service, const efi_char16_t *name)
{
	char what[80];
	size_t i, n;

	n = snprintf(what, sizeof(what), "%s", service);
	if (name) {
		n += snprintf(what + n, sizeof(what) - n, "(");
		for (i = 0; name[i] && n + 2 < sizeof(what); i++)
			what[n++] = name[i] < 0x7f ? name[i] : '?';
		snprintf(what + n, sizeof(what) - n, ")");
	}
	for (i = 0; i < EMU_ARRAY_SIZE(rt_calls); i++) {
		if (!rt_calls[i].n)
			snprintf(rt_calls[i].what, sizeof(what), "%s", what);
		if (!strcmp(rt_calls[i].what, what)) {
			rt_calls[i].n++;
			return;
		}
	}
}

static efi_status_t __efiapi rt_get_variable(efi_char16_t *name,
					     efi_guid_t *guid, u32 *attr,
					     unsigned long *size, void *data)
{
	rt_record("GetVariable", name);
	return EFI_NOT_FOUND;
}

static efi_status_t __efiapi rt_get_next_variable(unsigned long *size,
						  efi_char16_t *name,
						  efi_guid_t *guid)
{
	rt_record("GetNextVariableName", NULL);
	return EFI_NOT_FOUND;
}

static efi_status_t __efiapi rt_set_variable(efi_char16_t *name,
					     efi_guid_t *guid, u32 attr,
					     unsigned long size, void *data)
{
	rt_record("SetVariable", name);
	return EFI_UNSUPPORTED;
}

#define RT_OTHER(n)							\
static efi_status_t __efiapi rt_other##n(void)				\
{									\
	rt_record("runtime service #" #n, NULL);			\
	return EFI_UNSUPPORTED;						\
}

RT_OTHER(0) RT_OTHER(1) RT_OTHER(2) RT_OTHER(3) RT_OTHER(4) RT_OTHER(5)
RT_OTHER(9) RT_OTHER(10) RT_OTHER(11) RT_OTHER(12) RT_OTHER(13)

static void rt_init(void)
{
	void *svc[14] = {
		rt_other0, rt_other1, rt_other2, rt_other3, rt_other4,
		rt_other5, rt_get_variable, rt_get_next_variable,
		rt_set_variable, rt_other9, rt_other10, rt_other11,
		rt_other12, rt_other13,
	};

	rt_table.hdr.signature = EFI_RUNTIME_SERVICES_SIGNATURE;
	rt_table.hdr.revision = 0x20064;
	rt_table.hdr.headersize = sizeof(rt_table);
	memcpy(rt_table.services, svc, sizeof(svc));
	rt_table.hdr.crc32 = emu_crc32(0, &rt_table, sizeof(rt_table));
}

#ifdef __aarch64__
static void on_sigill(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	u32 insn = *(u32 *)uc->uc_mcontext.pc;

	if (insn == IC_IALLUIS) {
		ic_emulated++;
	} else if ((insn & ~0x1fU) == MRS_CLIDR_EL1) {
		if ((insn & 0x1f) != 31)
			uc->uc_mcontext.regs[insn & 0x1f] = 0;
		clidr_emulated++;
	} else {
		fprintf(stderr, "ustub: SIGILL at %llx: %08x\n",
			(unsigned long long)uc->uc_mcontext.pc, insn);
		_exit(3);
	}
	uc->uc_mcontext.pc += 4;
}
#endif

#ifdef __x86_64__
static u64 priv_rip;
static int cr0_emulated;

/*
 * One privileged instruction of the x86 stub runs before
 * ExitBootServices(): "mov %cr0, %reg" (0f 20 c0+reg), in the FPU probe
 * of get_cpuflags() (arch/x86/boot/cpuflags.c), which KASLR's entropy
 * gathering calls.  It reads CR0 with TS and EM clear (an FPU is there
 * and usable, as in this process), so the probe does not write CR0.
 *
 * After ExitBootServices() the stub goes on to switch paging modes and
 * enter the kernel: its first "mov %cr4"/"mov %cr3" (0f 20/22) or "cli"
 * (fa) faults in user space, and the run ends there.  Any other fault
 * fails the run.
 */
static void on_sigsegv(int sig, siginfo_t *si, void *uc_)
{
	static const int gpr[8] = { REG_RAX, REG_RCX, REG_RDX, REG_RBX,
				    REG_RSP, REG_RBP, REG_RSI, REG_RDI };
	ucontext_t *uc = uc_;
	const u8 *rip = (const u8 *)uc->uc_mcontext.gregs[REG_RIP];
	struct emu_image *img = emu_state.running;
	bool in_image = img && rip >= (u8 *)img->li.image_base &&
			rip < (u8 *)img->li.image_base + img->li.image_size;

	if (!emu_state.boot_services_exited && in_image && rip[0] == 0x0f &&
	    rip[1] == 0x20 && (rip[2] & 0xf8) == 0xc0) {
		/* PE, MP, ET, NE, WP, AM, PG */
		uc->uc_mcontext.gregs[gpr[rip[2] & 7]] = 0x80050033;
		uc->uc_mcontext.gregs[REG_RIP] += 3;
		cr0_emulated++;
		return;
	}
	if (emu_state.boot_services_exited && in_image &&
	    ((rip[0] == 0x0f && (rip[1] == 0x20 || rip[1] == 0x22)) ||
	     rip[0] == 0xfa)) {
		priv_rip = emu_addr(rip);
		siglongjmp(at_ebs, 1);
	}
	fprintf(stderr, "ustub: SIGSEGV at %p (%02x %02x %02x; image+%#lx), address %p, %s\n",
		rip, rip[0], rip[1], rip[2],
		in_image ? (unsigned long)(rip - (u8 *)img->li.image_base) : 0,
		si->si_addr,
		emu_state.boot_services_exited ? "after ExitBootServices()" :
		"before ExitBootServices()");
	_exit(3);
}
#endif

static void *read_file(const char *path, size_t *size)
{
	struct stat st;
	void *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		exit(2);
	}
	buf = malloc(st.st_size);
	if (read(fd, buf, st.st_size) != st.st_size) {
		perror(path);
		exit(2);
	}
	close(fd);
	*size = st.st_size;
	return buf;
}

/* Put a file at the top of free RAM in a LOADER_DATA region, as kexec does. */
static u64 place(const void *data, size_t size, u64 *top)
{
	u64 pages = (size + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE;

	*top -= pages * EFI_PAGE_SIZE;
	memcpy(emu_ptr(*top), data, size);
	if (emu_mem_add(&emu_state.mem, *top, pages, EFI_LOADER_DATA,
			EFI_MEMORY_WB, 0) != EFI_SUCCESS) {
		fprintf(stderr, "ustub: no room for a segment\n");
		exit(2);
	}
	return *top;
}

static void *find_config_table(const efi_guid_t *guid)
{
	efi_system_table_t *st = emu_state.systab;
	unsigned long i;

	for (i = 0; i < st->nr_tables; i++)
		if (emu_guid_eq(&st->tables[i].guid, guid))
			return st->tables[i].table;
	return NULL;
}

/*
 * The memory map the stub hands the kernel (at @start, @size bytes of
 * @dsize byte descriptors of version @ver) against the emulator's.
 */
static void check_memory_map(const char *where, u64 start, u64 size,
			     u64 dsize, u64 ver)
{
	struct emu_memory *m = &emu_state.mem;
	u64 prev_end = 0, i;
	bool seen_runtime = false;
	int ok = 1;

	tap(dsize == EMU_DESC_SIZE && ver == 1 && size == m->count * dsize,
	    "memory map in %s: %llu descriptors of %llu bytes, version %llu",
	    where, (unsigned long long)(dsize ? size / dsize : 0),
	    (unsigned long long)dsize, (unsigned long long)ver);
	/*
	 * Every region once, the rest in address order, runtime memory last
	 * (emu_get_memory_map()).
	 */
	for (i = 0; start && dsize && i < size / dsize; i++) {
		bool runtime;
		efi_memory_desc_t d;
		u32 j;

		memcpy(&d, (u8 *)emu_ptr(start) + i * dsize, sizeof(d));
		runtime = d.attribute & EFI_MEMORY_RUNTIME;
		for (j = 0; j < m->count; j++)
			if (m->map[j].start == d.phys_addr)
				break;
		if (!d.num_pages || j == m->count ||
		    d.num_pages != m->map[j].pages ||
		    d.type != m->map[j].type || (!runtime && seen_runtime) ||
		    (!runtime && d.phys_addr < prev_end))
			ok = 0;
		seen_runtime |= runtime;
		if (!runtime)
			prev_end = d.phys_addr + d.num_pages * EFI_PAGE_SIZE;
	}
	tap(ok && start,
	    "final memory map equal to the emulator's, in address order, runtime memory last");
}

#ifdef __aarch64__
/* The FDT the stub will pass to the kernel: it names our system table. */
static void *find_fdt(void)
{
	struct emu_memory *m = &emu_state.mem;
	const fdt64_t *p;
	u32 i;
	int node, len;

	for (i = 0; i < m->count; i++) {
		void *fdt = emu_ptr(m->map[i].start);

		if (!(m->map[i].flags & EMU_REGION_OWNED) ||
		    fdt_check_header(fdt))
			continue;
		node = fdt_path_offset(fdt, "/chosen");
		p = fdt_getprop(fdt, node, "linux,uefi-system-table", &len);
		if (p && len == 8 &&
		    fdt64_to_cpu(*p) == emu_addr(emu_state.systab))
			return fdt;
	}
	return NULL;
}

static u64 prop_u64(void *fdt, int node, const char *name, int *found)
{
	const void *p;
	int len;

	p = fdt_getprop(fdt, node, name, &len);
	*found = p && (len == 4 || len == 8);
	if (!*found)
		return 0;
	return len == 8 ? fdt64_to_cpu(*(const fdt64_t *)p) :
			  fdt32_to_cpu(*(const fdt32_t *)p);
}

/* What the arm64 stub hands the kernel: the DT's /chosen. */
static void check_handover(const char *want_cmdline)
{
	void *fdt = find_fdt();
	int chosen, f1, f2, f3, f4;
	const char *bootargs;
	u64 start, size, dsize, ver;

	tap(!!fdt, "FDT handed to the kernel names our system table");
	if (!fdt)
		return;
	chosen = fdt_path_offset(fdt, "/chosen");
	bootargs = fdt_getprop(fdt, chosen, "bootargs", NULL);
	tap(bootargs && !strcmp(bootargs, want_cmdline),
	    "/chosen/bootargs is the command line (\"%s\")",
	    bootargs ? bootargs : "(none)");
	start = prop_u64(fdt, chosen, "linux,uefi-mmap-start", &f1);
	size = prop_u64(fdt, chosen, "linux,uefi-mmap-size", &f2);
	dsize = prop_u64(fdt, chosen, "linux,uefi-mmap-desc-size", &f3);
	ver = prop_u64(fdt, chosen, "linux,uefi-mmap-desc-ver", &f4);
	tap(f1 && f2 && f3 && f4, "DT has linux,uefi-mmap-{start,size,desc-size,desc-ver}");
	check_memory_map("DT", start, size, dsize, ver);
	prop_u64(fdt, chosen, "linux,initrd-start", &f1);
	prop_u64(fdt, chosen, "linux,initrd-end", &f2);
	printf("# DT linux,initrd-start/end %s\n",
	       f1 && f2 ? "present" : "absent (initrd goes by config table)");
}

/* Find the decompressed arm64 Image the stub will jump to. */
static void check_kernel(const u8 *image, size_t image_size)
{
	struct emu_memory *m = &emu_state.mem;
	u64 a, best = 0;
	size_t diff = 0, i;
	u32 r;

	for (r = 0; r < m->count && !best; r++) {
		if (!(m->map[r].flags & EMU_REGION_OWNED) ||
		    m->map[r].type != EFI_LOADER_CODE)
			continue;
		for (a = m->map[r].start;
		     a + image_size <= m->map[r].start +
		     m->map[r].pages * EFI_PAGE_SIZE; a += EFI_PAGE_SIZE)
			if (!memcmp(emu_ptr(a) + 0x38, "ARM\x64", 4) &&
			    !memcmp(emu_ptr(a), image, 64)) {
				best = a;
				break;
			}
	}
	tap(best != 0, "decompressed kernel Image found in LOADER_CODE at %#llx",
	    (unsigned long long)best);
	if (!best)
		return;
	for (i = 0; i < image_size; i++)
		diff += ((u8 *)emu_ptr(best))[i] != image[i];
	tap(diff == 0, "decompressed kernel byte-identical to Image (%zu bytes, %zu differ)",
	    image_size, diff);
}
#else
/*
 * struct boot_params (arch/x86/include/uapi/asm/bootparam.h), the fields
 * checked, by offset: the boot protocol's layout is fixed.
 */
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_EFI_INFO		0x1c0	/* struct efi_info */
#define BP_E820_ENTRIES		0x1e8
#define BP_KERNEL_VERSION	0x20e	/* offset of the string, less 0x200 */
#define BP_TYPE_OF_LOADER	0x210
#define BP_RAMDISK_IMAGE	0x218
#define BP_RAMDISK_SIZE		0x21c
#define BP_CMD_LINE_PTR		0x228
#define BP_E820_TABLE		0x2d0	/* struct boot_e820_entry[] */
#define BP_SIZE			0x1000

struct x86_efi_info {
	u32 loader_signature;	/* "EL64" */
	u32 systab;
	u32 memdesc_size;
	u32 memdesc_version;
	u32 memmap;
	u32 memmap_size;
	u32 systab_hi;
	u32 memmap_hi;
};

struct x86_e820 {
	u64 addr;
	u64 size;
	u32 type;
} __packed;

static u32 rd32(const u8 *bp, u32 off)
{
	u32 v;

	memcpy(&v, bp + off, sizeof(v));
	return v;
}

/*
 * The boot_params the stub will hand the kernel: a page it allocated as
 * loader data, not the image itself, where its ExitBootServices()
 * callback wrote the EFI loader signature and our system table.
 */
static u8 *find_boot_params(u64 image_base)
{
	struct emu_memory *m = &emu_state.mem;
	u64 a, end;
	u32 i;

	for (i = 0; i < m->count; i++) {
		if (!(m->map[i].flags & EMU_REGION_OWNED) ||
		    m->map[i].type != EFI_LOADER_DATA)
			continue;
		end = m->map[i].start + m->map[i].pages * EFI_PAGE_SIZE;
		for (a = m->map[i].start; a + BP_SIZE <= end; a += EFI_PAGE_SIZE) {
			u8 *bp = emu_ptr(a);

			struct x86_efi_info efi;

			memcpy(&efi, bp + BP_EFI_INFO, sizeof(efi));
			if (a != image_base && !memcmp(&efi, "EL64", 4) &&
			    (efi.systab | (u64)efi.systab_hi << 32) ==
			    emu_addr(emu_state.systab))
				return bp;
		}
	}
	return NULL;
}

/* What the x86 stub hands the kernel: struct boot_params. */
static void check_handover(const char *want_cmdline)
{
	struct emu_image *img = emu_state.running;
	u8 *bp = find_boot_params(img ? emu_addr(img->li.image_base) : 0);
	static const efi_guid_t initrd_guid = LINUX_EFI_INITRD_MEDIA_GUID;
	struct { u64 base, size; } *itab;
	struct x86_efi_info efi;
	const char *cmdline;
	u64 memmap, ram = 0, want_ram = 0, rd_base, rd_size;
	u32 n, i;

	tap(!!bp, "boot_params handed to the kernel found (efi_info: \"EL64\", our system table)");
	if (!bp)
		return;
	cmdline = emu_ptr(rd32(bp, BP_CMD_LINE_PTR) |
			  (u64)rd32(bp, BP_EXT_CMD_LINE_PTR) << 32);
	tap(!strcmp(cmdline, want_cmdline),
	    "boot_params command line is the command line (\"%s\")", cmdline);
	memcpy(&efi, bp + BP_EFI_INFO, sizeof(efi));
	memmap = efi.memmap | (u64)efi.memmap_hi << 32;
	tap(bp[BP_TYPE_OF_LOADER] == 0x21,
	    "boot_params type_of_loader 0x21 (the EFI stub)");
	check_memory_map("boot_params", memmap, efi.memmap_size,
			 efi.memdesc_size, efi.memdesc_version);
	/*
	 * e820, what the kernel boots from: its RAM is the map's loader,
	 * boot services and free memory, no more and no less.
	 */
	for (i = 0; i < emu_state.mem.count; i++) {
		const struct emu_region *r = &emu_state.mem.map[i];

		if (r->type == EFI_LOADER_CODE || r->type == EFI_LOADER_DATA ||
		    r->type == EFI_BOOT_SERVICES_CODE ||
		    r->type == EFI_BOOT_SERVICES_DATA ||
		    r->type == EFI_CONVENTIONAL_MEMORY)
			want_ram += r->pages * EFI_PAGE_SIZE;
	}
	n = bp[BP_E820_ENTRIES];
	for (i = 0; i < n; i++) {
		struct x86_e820 e;

		memcpy(&e, bp + BP_E820_TABLE + i * sizeof(e), sizeof(e));
		if (e.type == 1)	/* E820_TYPE_RAM */
			ram += e.size;
	}
	tap(n > 0 && ram == want_ram,
	    "e820 table: %u entries, %llu KiB of RAM, the map's usable memory (%llu KiB)",
	    n, (unsigned long long)ram >> 10,
	    (unsigned long long)want_ram >> 10);
	/* the initrd the stub loaded, where the kernel looks for it */
	itab = find_config_table(&initrd_guid);
	rd_base = rd32(bp, BP_RAMDISK_IMAGE) |
		  (u64)rd32(bp, BP_EXT_RAMDISK_IMAGE) << 32;
	rd_size = rd32(bp, BP_RAMDISK_SIZE) |
		  (u64)rd32(bp, BP_EXT_RAMDISK_SIZE) << 32;
	if (itab)
		tap(rd_base == itab->base && rd_size == itab->size,
		    "boot_params ramdisk %#llx+%#llx is the initrd the stub loaded",
		    (unsigned long long)rd_base, (unsigned long long)rd_size);
	else
		tap(!rd_base && !rd_size, "no initrd, none in boot_params");
}

/*
 * The decompressed kernel: loader code below 512 MiB holding the banner
 * of the bzImage's own version string ("Linux version " + the setup
 * header's kernel_version).
 */
static void check_kernel(const u8 *bzimage, size_t size)
{
	struct emu_memory *m = &emu_state.mem;
	char banner[160];
	const char *ver;
	u64 found = 0;
	size_t len;
	u32 i, off = rd32(bzimage, BP_KERNEL_VERSION) & 0xffff;

	ver = (const char *)bzimage + 0x200 + off;
	len = 0;
	while (0x200 + off + len < size && ver[len] && ver[len] != ' ')
		len++;
	snprintf(banner, sizeof(banner), "Linux version %.*s (", (int)len, ver);
	for (i = 0; i < m->count && !found; i++) {
		if (!(m->map[i].flags & EMU_REGION_OWNED) ||
		    m->map[i].type != EFI_LOADER_CODE)
			continue;
		if (memmem(emu_ptr(m->map[i].start),
			   m->map[i].pages * EFI_PAGE_SIZE, banner,
			   strlen(banner)))
			found = m->map[i].start;
	}
	tap(found && found < 512UL << 20,
	    "decompressed kernel with \"%s\" found in LOADER_CODE at %#llx (below 512 MiB)",
	    banner, (unsigned long long)found);
}
#endif

static void report_trace(void)
{
	static const struct {
		efi_guid_t guid;
		const char *name;
	} names[] = {
		{ LOADED_IMAGE_PROTOCOL_GUID, "EFI_LOADED_IMAGE_PROTOCOL" },
		{ EFI_LOAD_FILE2_PROTOCOL_GUID, "EFI_LOAD_FILE2_PROTOCOL" },
		{ EFI_RNG_PROTOCOL_GUID, "EFI_RNG_PROTOCOL" },
		{ EFI_DEVICE_PATH_PROTOCOL_GUID, "EFI_DEVICE_PATH_PROTOCOL" },
		{ EFI_GUID(0x9042a9de, 0x23dc, 0x4a38, 0x96, 0xfb, 0x7a, 0xde,
			   0xd0, 0x80, 0x51, 0x6a), "EFI_GRAPHICS_OUTPUT_PROTOCOL" },
		{ EFI_GUID(0x607f766c, 0x7455, 0x42be, 0x93, 0x0b, 0xe4, 0xd7,
			   0x6d, 0xb2, 0x72, 0x0f), "EFI_TCG2_PROTOCOL" },
		{ EFI_GUID(0x96751a3d, 0x72f4, 0x41a6, 0xa7, 0x94, 0xed, 0x5d,
			   0x0e, 0x67, 0xae, 0x6b), "EFI_CC_MEASUREMENT_PROTOCOL" },
		{ EFI_GUID(0x982c298b, 0xf4fa, 0x41cb, 0xb8, 0x38, 0x77, 0xaa,
			   0x68, 0x8f, 0xb8, 0x39), "EFI_UGA_PROTOCOL" },
		{ EFI_GUID(0x4cf5b200, 0x68b8, 0x4ca5, 0x9e, 0xec, 0xb2, 0x3e,
			   0x3f, 0x50, 0x02, 0x9a), "EFI_PCI_IO_PROTOCOL" },
		{ EFI_GUID(0xf4560cf6, 0x40ec, 0x4b4a, 0xa1, 0x92, 0xbf, 0x1d,
			   0x57, 0xd0, 0xb1, 0x89), "EFI_MEMORY_ATTRIBUTE_PROTOCOL" },
		{ EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL_GUID, "EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL" },
		{ EFI_GUID(0x03583ff6, 0xcb36, 0x4940, 0x94, 0x7e, 0xb9, 0xb3,
			   0x9f, 0x4a, 0xfa, 0xf7), "EFI_SMBIOS_PROTOCOL" },
		{ EFI_GUID(0xf541796d, 0xa62e, 0x4954, 0xa7, 0x75, 0x95, 0x84,
			   0xf6, 0x1b, 0x9c, 0xdd), "EFI_TCG_PROTOCOL (TPM 1.2)" },
		{ EFI_GUID(0x1d85cd7f, 0xf43d, 0x11d2, 0x9a, 0x0c, 0x00, 0x90,
			   0x27, 0x3f, 0xc1, 0x4d), "EFI_UNICODE_COLLATION_PROTOCOL" },
		{ EFI_GUID(0x964e5b22, 0x6459, 0x11d2, 0x8e, 0x39, 0x00, 0xa0,
			   0xc9, 0x69, 0x72, 0x3b), "EFI_SIMPLE_FILE_SYSTEM_PROTOCOL" },
		{ EFI_GUID(0xa46423e3, 0x4617, 0x49f1, 0xb9, 0xff, 0xd1, 0xbf,
			   0xa9, 0x11, 0x58, 0x39), "EFI_SECURITY_ARCH_PROTOCOL" },
		{ EFI_GUID(0x94ab2f58, 0x1438, 0x4ef1, 0x91, 0x52, 0x18, 0x94,
			   0x1a, 0x3a, 0x0e, 0x68), "EFI_SECURITY2_ARCH_PROTOCOL" },
		{ EFI_GUID(0x8b843e20, 0x8132, 0x4852, 0x90, 0xcc, 0x55, 0x1a,
			   0x4e, 0x4a, 0x7f, 0x1c), "EFI_DEVICE_PATH_TO_TEXT_PROTOCOL" },
		{ EFI_GUID(0xbc62157e, 0x3e33, 0x4fec, 0x99, 0x20, 0x2d, 0x3b,
			   0x36, 0xd7, 0x50, 0xdf), "EFI_LOADED_IMAGE_DEVICE_PATH_PROTOCOL" },
	};
	u32 i, j;

	printf("# boot services called:");
	for (i = 0; i < EMU_BS_COUNT; i++)
		if (emu_state.calls[i])
			printf(" %s=%u", emu_bs_name(i), emu_state.calls[i]);
	printf("\n# protocols asked for:\n");
	for (i = 0; i < EMU_MAX_TRACED_GUIDS && emu_state.guids[i].asked; i++) {
		const struct emu_guid_trace *t = &emu_state.guids[i];
		const char *name = NULL;

		for (j = 0; j < EMU_ARRAY_SIZE(names); j++)
			if (emu_guid_eq(&names[j].guid, &t->guid))
				name = names[j].name;
		printf("#   ");
		if (name) {
			printf("%s", name);
		} else {
			const u8 *b = t->guid.b;

			printf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-",
			       b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6],
			       b[8], b[9]);
			for (j = 10; j < 16; j++)
				printf("%02x", b[j]);
		}
		printf(": asked %u, found %u\n", t->asked, t->found);
	}
	printf("# runtime services called:\n");
	for (i = 0; i < EMU_ARRAY_SIZE(rt_calls) && rt_calls[i].n; i++)
		printf("#   %s: %d\n", rt_calls[i].what, rt_calls[i].n);
#ifdef __aarch64__
	printf("# EL1-only instructions emulated: 'mrs clidr_el1' %d, 'ic ialluis' %d\n",
	       clidr_emulated, ic_emulated);
#else
	printf("# ring-0 instructions emulated before ExitBootServices(): 'mov %%cr0' %d\n",
	       cr0_emulated);
#endif
}

/*
 * The regular files in newc cpio archives, as "name name ...", or
 * "(not cpio)" where the bytes are something else.  Archives may follow
 * each other, each padded to 4 bytes, as systemd-stub joins them.
 */
static void cpio_names(const u8 *p, size_t len, char *out, size_t cap)
{
	size_t off = 0, n = 0;
	unsigned long mode, fsize, nsize;
	char h[9];

	*out = 0;
	while (off + 110 <= len) {
		/* Zero padding between or after archives. */
		if (!p[off]) {
			off++;
			continue;
		}
		if (memcmp(p + off, "070701", 6)) {
			snprintf(out, cap, "(not cpio at +%zu)", off);
			return;
		}
		memcpy(h, p + off + 14, 8);
		h[8] = 0;
		mode = strtoul(h, NULL, 16);
		memcpy(h, p + off + 54, 8);
		fsize = strtoul(h, NULL, 16);
		memcpy(h, p + off + 94, 8);
		nsize = strtoul(h, NULL, 16);
		if (off + 110 + nsize > len || !nsize) {
			snprintf(out, cap, "(truncated cpio at +%zu)", off);
			return;
		}
		if ((mode & 0170000) == 0100000)
			n += snprintf(out + n, n < cap ? cap - n : 0, "%s%.*s",
				      n ? " " : "", (int)nsize - 1,
				      (const char *)p + off + 110);
		off = (off + 110 + nsize + 3) & ~3UL;
		off = (off + fsize + 3) & ~3UL;
	}
	while (off < len && !p[off])
		off++;
	if (off < len)
		snprintf(out, cap, "(%zu stray bytes)", len - off);
}

int main(int argc, char **argv)
{
	static const efi_guid_t initrd_guid = LINUX_EFI_INITRD_MEDIA_GUID;
	const char *pe_path = NULL, *dtb_path = NULL, *initrd_path = NULL;
	const char *cmdline = "", *image_path = NULL, *want_cmdline = NULL;
	const char *want_initrd_path = NULL, *want_extra = "";
	size_t want_initrd_size = 0;
	void *want_initrd;
	size_t pe_size, dtb_size = 0, initrd_size = 0, image_size = 0, n16;
	void *pe, *dtb = NULL, *initrd = NULL, *image = NULL;
	u64 top = RAM_BASE + RAM_SIZE, pe_at, dtb_at = 0, initrd_at = 0;
	struct { u64 base, size; } *itab;
	efi_char16_t *cmd16;
	efi_status_t status;
	int i;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--pe"))
			pe_path = argv[i + 1];
		else if (!strcmp(argv[i], "--dtb"))
			dtb_path = argv[i + 1];
		else if (!strcmp(argv[i], "--initrd"))
			initrd_path = argv[i + 1];
		else if (!strcmp(argv[i], "--cmdline"))
			cmdline = argv[i + 1];
		else if (!strcmp(argv[i], "--image"))
			image_path = argv[i + 1];
		else if (!strcmp(argv[i], "--expect-cmdline"))
			want_cmdline = argv[i + 1];
		else if (!strcmp(argv[i], "--expect-initrd"))
			want_initrd_path = argv[i + 1];
		else if (!strcmp(argv[i], "--initrd-extra"))
			want_extra = argv[i + 1];
		else
			break;
	}
	/* arm64 stubs need the DT a board gives; x86 has none */
	if (!pe_path || (!dtb_path && NEED_DTB) || i != argc) {
		fprintf(stderr,
			"usage: ustub --pe FILE [--dtb FILE] [--initrd FILE]\n"
			"\t[--cmdline STR] [--image Image]\n"
			"\t[--expect-cmdline STR] [--expect-initrd FILE]\n"
			"\t[--initrd-extra 'FILE...']\n");
		return 2;
	}
	pe = read_file(pe_path, &pe_size);
	if (dtb_path)
		dtb = read_file(dtb_path, &dtb_size);
	if (initrd_path)
		initrd = read_file(initrd_path, &initrd_size);
	if (image_path)
		image = read_file(image_path, &image_size);
	want_cmdline = want_cmdline ?: cmdline;
	want_initrd = initrd;
	want_initrd_size = initrd_size;
	if (want_initrd_path)
		want_initrd = read_file(want_initrd_path, &want_initrd_size);

	if (mmap((void *)RAM_BASE, RAM_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) !=
	    (void *)RAM_BASE) {
		perror("ustub: mmap RAM");
		return 2;
	}
	emu_mem_init(&emu_state.mem, regions, EMU_ARRAY_SIZE(regions));
	pe_at = place(pe, pe_size, &top);
	if (dtb)
		dtb_at = place(dtb, dtb_size, &top);
	if (initrd)
		initrd_at = place(initrd, initrd_size, &top);
	emu_mem_add(&emu_state.mem, RAM_BASE, (top - RAM_BASE) / EFI_PAGE_SIZE,
		    EFI_CONVENTIONAL_MEMORY, EFI_MEMORY_WB, 0);

	printf("TAP version 13\n");
	rt_init();
	status = emu_init(&emu_state, &ops,
			  &(struct emu_firmware){ .runtime = &rt_table });
	tap(status == EFI_SUCCESS, "emulator initialised");
	if (dtb) {
		static const efi_guid_t dtb_guid = DEVICE_TREE_GUID;

		emu_install_configuration_table((efi_guid_t *)&dtb_guid,
						emu_ptr(dtb_at));
	}
	if (initrd)
		emu_install_initrd(initrd_at, initrd_size);

	n16 = 0;
	emu_utf8_to_utf16(cmdline, strlen(cmdline), NULL, &n16);
	cmd16 = calloc(n16, 2);
	if (emu_utf8_to_utf16(cmdline, strlen(cmdline), cmd16, &n16) !=
	    EFI_SUCCESS)
		return 2;

	{
		struct sigaction sa = { 0 };

		sa.sa_flags = SA_SIGINFO;
#ifdef __aarch64__
		sa.sa_sigaction = on_sigill;
		sigaction(SIGILL, &sa, NULL);
#else
		sa.sa_sigaction = on_sigsegv;
		sigaction(SIGSEGV, &sa, NULL);
#endif
	}

	fflush(stdout);
	if (!sigsetjmp(at_ebs, 1)) {
		status = emu_boot(emu_ptr(pe_at), pe_size, cmd16,
				  n16 * 2);
		tap(0, "stub reached ExitBootServices() (returned 0x%lx)",
		    status);
		report_trace();
		printf("1..%d\n", tap_n);
		return 1;
	}
	printf("\n");
	tap(emu_state.boot_services_exited, "stub reached ExitBootServices()");
#ifdef __x86_64__
	printf("# ran on to its first privileged instruction, at image+%#llx\n",
	       (unsigned long long)(priv_rip -
				    emu_addr(emu_state.running->li.image_base)));
#endif
	tap(!emu_state.systab->boottime, "system table lost its boot services");

	check_handover(want_cmdline);
	if (want_initrd) {
		char extra[512] = "";

		itab = find_config_table(&initrd_guid);
		tap(itab && itab->size >= want_initrd_size &&
		    !memcmp(emu_ptr(itab->base), want_initrd, want_initrd_size),
		    "initrd config table starts with a byte-exact copy of %s (%zu bytes)",
		    want_initrd_path ?: initrd_path, want_initrd_size);
		if (itab && itab->size >= want_initrd_size)
			cpio_names((u8 *)emu_ptr(itab->base) + want_initrd_size,
				   itab->size - want_initrd_size, extra,
				   sizeof(extra));
		tap(!strcmp(extra, want_extra),
		    "what the stub appended to it: '%s' (want '%s')", extra,
		    want_extra);
	}
	if (image)
		check_kernel(image, image_size);
	report_trace();
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}
