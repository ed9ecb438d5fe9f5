// SPDX-License-Identifier: GPL-2.0
/*
 * x86_64 side of kexec_file_load() for PE images (kernel/kexec_pe_image.c):
 * the memory map the EFI emulator starts from, the purgatory, the
 * identity map the emulator switches to, and its entry.
 *
 * memblock does not outlive boot on x86, and after an EFI boot efi.memmap
 * holds only the runtime regions: the map comes from e820_table_kexec,
 * the table the bzImage loader hands the next kernel, with the runtime
 * regions of an EFI boot in place of the reserved ranges they lie in.
 *
 * kexec_file_load() on x86 always goes through the purgatory, which
 * checks the segments' digest and jumps to entry64_regs.rip with the
 * registers given there: the emulator's entry, with the parameter blob in
 * %rdi.  relocate_kernel leaves it on an identity map of the RAM this
 * kernel had mapped; the emulator switches at once to page tables of its
 * own, a segment written here: every range of its memory map identity
 * mapped (write-back where the map says so, uncached elsewhere), the
 * first boot's runtime regions also at their virtual addresses, the
 * console and the reset register when they are MMIO.  The map is
 * writable and executable throughout.
 */
#define pr_fmt(fmt)	"kexec_file(PE): " fmt

#include <linux/acpi.h>
#include <linux/crash_reserve.h>
#include <linux/efi.h>
#include <linux/efi_emulator.h>
#include <linux/io.h>
#include <linux/kexec.h>
#include <linux/pgtable.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>
#include <asm/crash.h>
#include <asm/e820/api.h>
#include <asm/setup.h>
#include <asm/tsc.h>

#define PT_SIZE			SZ_4K
#define PT_ENTRIES		512
#define PT_PRESENT		BIT_ULL(0)
#define PT_RW			BIT_ULL(1)
#define PT_PWT			BIT_ULL(3)
#define PT_PCD			BIT_ULL(4)
#define PT_PS			BIT_ULL(7)
#define PT_ADDR_MASK		GENMASK_ULL(51, 12)

#define PT_WB			(PT_PRESENT | PT_RW)
#define PT_UC			(PT_PRESENT | PT_RW | PT_PCD | PT_PWT)

/* Where the purgatory may go, as for a bzImage. */
#define PE_MIN_PURGATORY_ADDR	0x3000

/*
 * The tables are built in pages of their own, each known by its offset in
 * the segment they end up in (entries hold that offset until the segment
 * is placed), then laid out one after the other in that segment.
 */
#define PT_MAX_PAGES		2048	/* 8 MiB of tables */

struct pe_pgtable {
	u64 *root;		/* pages[0]: the PML4 */
	u64 **pages;
	u8 *level;
	int nr;
};

static u64 *pt_alloc(struct pe_pgtable *pt, int level, u64 *off)
{
	u64 *table;

	if (pt->nr == PT_MAX_PAGES)
		return NULL;
	table = (u64 *)get_zeroed_page(GFP_KERNEL);
	if (!table)
		return NULL;
	*off = (u64)pt->nr * PT_SIZE;
	pt->level[pt->nr] = level;
	pt->pages[pt->nr++] = table;
	return table;
}

static void pt_free(struct pe_pgtable *pt)
{
	int i;

	for (i = 0; i < pt->nr; i++)
		free_page((unsigned long)pt->pages[i]);
	kfree(pt->pages);
	kfree(pt->level);
}

/*
 * Map [va, va + size) to pa at @level (0: PML4, 512 GiB entries ... 3: PT,
 * 4 KiB pages), with 2 MiB pages where alignment allows.  The same
 * mapping twice is no conflict (a runtime region that is also in the map
 * 1:1); another one is.
 */
static int pt_map(struct pe_pgtable *pt, u64 *table, int level, u64 va,
		  u64 pa, u64 size, u64 attrs)
{
	int shift = 39 - 9 * level;
	u64 span = 1ULL << shift, n, off, desc;
	u64 *next;
	int idx, ret;

	while (size) {
		idx = (va >> shift) & (PT_ENTRIES - 1);
		n = min(size, span - (va & (span - 1)));
		if (level == 3) {
			desc = (pa & PT_ADDR_MASK) | attrs;
			if (table[idx] && table[idx] != desc)
				return -EEXIST;
			table[idx] = desc;
		} else if (level == 2 && n == span && !(pa & (span - 1)) &&
			   !table[idx]) {
			table[idx] = (pa & PT_ADDR_MASK) | attrs | PT_PS;
		} else {
			if (!table[idx]) {
				next = pt_alloc(pt, level + 1, &off);
				if (!next)
					return -ENOMEM;
				table[idx] = off | PT_PRESENT | PT_RW;
			} else if (table[idx] & PT_PS) {
				/* A 2 MiB page mapping the range alike. */
				if (table[idx] == (((pa & ~(span - 1)) &
						    PT_ADDR_MASK) | attrs | PT_PS) &&
				    (va & (span - 1)) == (pa & (span - 1)))
					goto next;
				return -EEXIST;
			}
			next = pt->pages[(table[idx] & PT_ADDR_MASK) / PT_SIZE];
			ret = pt_map(pt, next, level + 1, va, pa, n, attrs);
			if (ret)
				return ret;
		}
next:
		va += n;
		pa += n;
		size -= n;
	}
	return 0;
}

static int map_range(struct pe_pgtable *pt, u64 va, u64 pa, u64 size,
		     u64 attrs)
{
	u64 start = ALIGN_DOWN(pa, PT_SIZE);

	size = ALIGN(pa + size, PT_SIZE) - start;
	va = ALIGN_DOWN(va, PT_SIZE);
	return pt_map(pt, pt->root, 0, va, start, size, attrs);
}

/*
 * Memory the map calls write-back is mapped so (RAM, ACPI tables, the
 * BIOS area with the SMBIOS entry point); everything else uncached.
 * Runtime regions passed on are mapped where the first boot's runtime
 * services expect them as well, as on arm64.
 */
static int map_region(struct pe_pgtable *pt,
		      const struct efi_emulator_memdesc *d)
{
	u64 size = d->num_pages << EFI_PAGE_SHIFT;
	u64 attrs = PT_UC;
	int ret;

	if (d->attribute & EFI_MEMORY_WB && d->type != EFI_MEMORY_MAPPED_IO &&
	    d->type != EFI_MEMORY_MAPPED_IO_PORT_SPACE)
		attrs = PT_WB;
	ret = map_range(pt, d->phys_addr, d->phys_addr, size, attrs);
	if (ret || !(d->flags & EFI_EMULATOR_MD_VIRT) ||
	    d->virt_addr == d->phys_addr)
		return ret;
	return map_range(pt, d->virt_addr, d->phys_addr, size, attrs);
}

/*
 * Place the tables in a segment of their own, which the loader marks in
 * use in the emulator's map.  Table entries become physical addresses in
 * it.  With 5-level paging a PML5 goes first, its first and last entries
 * both pointing at the PML4: the identity map lies below 256 TiB, the
 * first boot's runtime mappings at the top of the address space, where
 * their 4-level address sign-extends to the same 5-level one.
 */
static int pt_place(struct kimage *image, struct pe_pgtable *pt, bool la57,
		    unsigned long *mem, unsigned long *root, void **buf)
{
	struct kexec_buf kbuf = { .image = image };
	unsigned long first = la57 ? PT_SIZE : 0;
	u64 *e, *pml5;
	int i, j, ret;

	kbuf.bufsz = (unsigned long)pt->nr * PT_SIZE + first;
	kbuf.memsz = ALIGN(kbuf.bufsz, PAGE_SIZE);
	kbuf.buffer = vzalloc(kbuf.memsz);
	if (!kbuf.buffer)
		return -ENOMEM;
	kbuf.buf_align = PAGE_SIZE;
	kbuf.buf_max = ULONG_MAX;
	kbuf.top_down = true;
	kbuf.mem = KEXEC_BUF_MEM_UNKNOWN;
	ret = kexec_add_buffer(&kbuf);
	if (ret) {
		vfree(kbuf.buffer);
		return ret;
	}
	for (i = 0; i < pt->nr; i++) {
		e = pt->pages[i];
		/* Entries of PTs are pages, PS entries of PDs 2 MiB pages. */
		for (j = 0; pt->level[i] < 3 && j < PT_ENTRIES; j++)
			if (e[j] & PT_PRESENT && !(e[j] & PT_PS))
				e[j] += kbuf.mem + first;
		memcpy(kbuf.buffer + first + i * PT_SIZE, e, PT_SIZE);
	}
	*root = kbuf.mem + first;
	if (la57) {
		pml5 = kbuf.buffer;
		pml5[0] = (kbuf.mem + first) | PT_PRESENT | PT_RW;
		pml5[PT_ENTRIES - 1] = pml5[0];
		*root = kbuf.mem;
	}
	*buf = kbuf.buffer;
	*mem = kbuf.mem;
	return 0;
}

/* The EFI type and attributes of an e820 range (UEFI 2.10, 7.2). */
static u32 e820_efi_type(enum e820_type type, u64 *attr)
{
	*attr = EFI_MEMORY_WB;
	switch (type) {
	case E820_TYPE_RAM:
		return EFI_CONVENTIONAL_MEMORY;
	case E820_TYPE_RESERVED_KERN:
		/* This kernel's setup_data: free again in the next one. */
		return EFI_BOOT_SERVICES_DATA;
	case E820_TYPE_ACPI:
		return EFI_ACPI_RECLAIM_MEMORY;
	case E820_TYPE_NVS:
		return EFI_ACPI_MEMORY_NVS;
	case E820_TYPE_PMEM:
	case E820_TYPE_PRAM:
		*attr |= EFI_MEMORY_NV;
		return EFI_PERSISTENT_MEMORY;
	case E820_TYPE_SOFT_RESERVED:
		/* Given to its driver, as the EFI stub reports it. */
		*attr |= EFI_MEMORY_SP;
		return EFI_CONVENTIONAL_MEMORY;
	case E820_TYPE_UNUSABLE:
		*attr = 0;
		return EFI_UNUSABLE_MEMORY;
	default:
		*attr = EFI_MEMORY_UC;
		return EFI_RESERVED_TYPE;
	}
}

struct pe_memory {
	void (*add)(void *arg, const struct efi_emulator_memdesc *d);
	void *arg;
	bool crash;
	bool runtime;
};

static void emit(struct pe_memory *m, u32 type, u64 start, u64 end,
		 u64 attr, u64 virt, u32 flags)
{
	struct efi_emulator_memdesc d = {
		.type = type, .flags = flags, .phys_addr = start,
		.virt_addr = virt, .attribute = attr,
	};

	start = ALIGN(start, EFI_PAGE_SIZE);
	end = ALIGN_DOWN(end, EFI_PAGE_SIZE);
	if (end <= start)
		return;
	d.phys_addr = start;
	d.num_pages = (end - start) >> EFI_PAGE_SHIFT;
	m->add(m->arg, &d);
}

/*
 * RAM of a crash kernel: what lies in the crashkernel= reservations, and
 * the low 1 MiB, which this kernel reserved from boot and never used and
 * the bzImage path gives the crash kernel as RAM too.  The rest of RAM is
 * the dump: it is left out of the map.
 */
static void emit_crash_ram(struct pe_memory *m, u64 start, u64 end)
{
	const struct resource *crash[] = { &crashk_low_res, &crashk_res };
	u64 s, e;
	int i;

	emit(m, EFI_CONVENTIONAL_MEMORY, start, min_t(u64, end, SZ_1M),
	     EFI_MEMORY_WB, 0, 0);
	for (i = 0; i < ARRAY_SIZE(crash); i++) {
		if (crash[i]->end <= crash[i]->start)
			continue;
		s = max_t(u64, max_t(u64, start, SZ_1M), crash[i]->start);
		e = min_t(u64, end, crash[i]->end + 1);
		emit(m, EFI_CONVENTIONAL_MEMORY, s, e, EFI_MEMORY_WB, 0, 0);
	}
}

static void emit_e820(struct pe_memory *m, enum e820_type type, u64 start,
		      u64 end)
{
	u64 attr;
	u32 efi_type = e820_efi_type(type, &attr);

	if (end <= start)
		return;
	if (m->crash && type == E820_TYPE_RAM)
		emit_crash_ram(m, start, end);
	else if (!m->crash || efi_type != EFI_BOOT_SERVICES_DATA)
		emit(m, efi_type, start, end, attr, 0, 0);
}

static int cmp_md(const void *a, const void *b)
{
	const efi_memory_desc_t *x = a, *y = b;

	return x->phys_addr < y->phys_addr ? -1 : x->phys_addr > y->phys_addr;
}

/*
 * The runtime regions of an EFI boot, by address, in *@rt (NULL for
 * none).  Return: how many, or -ENOMEM.
 */
static int runtime_regions(efi_memory_desc_t **rt)
{
	efi_memory_desc_t *md;
	int n = 0, nr = 0;

	*rt = NULL;
	if (!efi_enabled(EFI_MEMMAP))
		return 0;
	for_each_efi_memory_desc(md)
		n += !!(md->attribute & EFI_MEMORY_RUNTIME);
	if (!n)
		return 0;
	*rt = kcalloc(n, sizeof(**rt), GFP_KERNEL);
	if (!*rt)
		return -ENOMEM;
	for_each_efi_memory_desc(md)
		if (md->attribute & EFI_MEMORY_RUNTIME && nr < n)
			(*rt)[nr++] = *md;
	sort(*rt, nr, sizeof(**rt), cmp_md, NULL);
	return nr;
}

/* A runtime region, at its first-boot virtual address when passed on. */
static void emit_runtime(struct pe_memory *m, const efi_memory_desc_t *r)
{
	emit(m, r->type, r->phys_addr,
	     r->phys_addr + (r->num_pages << EFI_PAGE_SHIFT), r->attribute,
	     m->runtime ? r->virt_addr : 0,
	     m->runtime ? EFI_EMULATOR_MD_VIRT : 0);
}

/**
 * arch_kexec_pe_memory() - the memory map the EFI emulator starts from
 * @crash:	for a crash kernel: only the crashkernel= reservation is RAM
 * @runtime:	runtime services are passed on: their regions keep the
 *		virtual address the first boot gave them
 * @add:	called with each range, in address order
 * @arg:	passed to @add
 *
 * e820_table_kexec, the table the bzImage loader passes on, as EFI
 * memory types, with the runtime regions of an EFI boot (which the e820
 * table calls reserved) in their place.
 *
 * Return: 0 or -ENOMEM.
 */
int arch_kexec_pe_memory(bool crash, bool runtime,
			 void (*add)(void *arg,
				     const struct efi_emulator_memdesc *d),
			 void *arg)
{
	struct pe_memory m = { .add = add, .arg = arg, .crash = crash,
			       .runtime = runtime };
	const struct e820_entry *e;
	efi_memory_desc_t *rt, *r;
	u64 pos, end;
	int i, j = 0, nr;

	nr = runtime_regions(&rt);
	if (nr < 0)
		return nr;
	for (i = 0; i < e820_table_kexec->nr_entries; i++) {
		e = &e820_table_kexec->entries[i];
		pos = e->addr;
		end = e->addr + e->size;
		for (; j < nr && rt[j].phys_addr < end; j++) {
			r = &rt[j];
			emit_e820(&m, e->type, pos, min(r->phys_addr, end));
			emit_runtime(&m, r);
			pos = max(pos, r->phys_addr +
					(r->num_pages << EFI_PAGE_SHIFT));
		}
		emit_e820(&m, e->type, pos, end);
	}
	for (; j < nr; j++)
		emit_runtime(&m, &rt[j]);
	kfree(rt);
	return 0;
}

/**
 * arch_kexec_pe_segments() - the ELF core header and the purgatory
 * @image:	the image being loaded
 * @param:	the parameter blob being filled
 * @pe_mem:	where the PE file segment goes
 * @pe_size:	its size
 * @cmdline:	the command line
 *
 * A crash kernel gets the ELF core header the bzImage path gives it, in
 * the crashkernel= reservation; the loader has the emulator append its
 * elfcorehdr= to the kernel's command line (KEXEC_PE_ELFCOREHDR_CMDLINE).
 * x86 kexec_file_load() always enters the next image through the
 * purgatory, which checks the segments' digest first.
 *
 * Return: 0 or -errno.
 */
int arch_kexec_pe_segments(struct kimage *image,
			   struct efi_emulator_param *param,
			   unsigned long pe_mem, unsigned long pe_size,
			   char *cmdline)
{
	struct kexec_buf pbuf = { .image = image,
				  .buf_min = PE_MIN_PURGATORY_ADDR,
				  .buf_max = ULONG_MAX, .top_down = true };
	int ret;

	if (IS_ENABLED(CONFIG_CRASH_DUMP) && image->type == KEXEC_TYPE_CRASH) {
		ret = crash_load_segments(image);
		if (ret) {
			pr_err("cannot load the ELF core header: %d\n", ret);
			return ret;
		}
	}
	ret = kexec_load_purgatory(image, &pbuf);
	if (ret) {
		pr_err("cannot load the purgatory: %d\n", ret);
		return ret;
	}
	kexec_dprintk("Loaded purgatory at 0x%lx\n", pbuf.mem);
	return 0;
}

/**
 * arch_kexec_pe_acpi_rsdp() - the ACPI root of this boot
 *
 * The decompressor records where it found the RSDP (EFI tables, the boot
 * parameters, or the BIOS area it scanned) in the boot parameters, which
 * outlive boot, unlike the kernel's own lookup.
 *
 * Return: its physical address, or 0.
 */
u64 arch_kexec_pe_acpi_rsdp(void)
{
	return boot_params.acpi_rsdp_addr;
}

/* Where a BIOS keeps its SMBIOS entry point (SMBIOS 3.x, 5.2). */
#define BIOS_SMBIOS_START	0xf0000
#define BIOS_SMBIOS_SIZE	0x10000

static bool checksum_ok(const u8 *p, unsigned int len)
{
	u8 sum = 0;

	while (len--)
		sum += *p++;
	return !sum;
}

/* An SMBIOS 3 (64-bit) entry point at @p, with @room bytes readable. */
static bool smbios3_entry(const u8 *p, unsigned int room)
{
	return !memcmp(p, "_SM3_", 5) && p[6] >= 0x18 && p[6] <= 0x20 &&
	       p[6] <= room && checksum_ok(p, p[6]);
}

/*
 * An SMBIOS 2 entry point at @p: 0x1f bytes (0x1e as SMBIOS 2.1 misstated
 * it), ending in the intermediate "_DMI_" part with a checksum of its own.
 */
static bool smbios2_entry(const u8 *p, unsigned int room)
{
	return room >= 0x20 && !memcmp(p, "_SM_", 4) && p[5] >= 0x1e &&
	       p[5] <= 0x20 && checksum_ok(p, p[5]) &&
	       !memcmp(p + 0x10, "_DMI_", 5) && checksum_ok(p + 0x10, 0x0f);
}

/**
 * arch_kexec_pe_smbios() - the SMBIOS entry point of a boot without EFI
 * @v3: set when it is an SMBIOS 3 (64-bit) entry point
 *
 * After a BIOS boot the kernel found SMBIOS by scanning the BIOS area
 * (dmi_scan.c) and kept no note of where.  The next kernel, booted
 * through EFI, looks for it among the configuration tables only, so
 * without one it would have no DMI (no quirks, nothing in
 * /sys/class/dmi/id).  Scan the same 64 KiB on 16-byte boundaries, for an
 * SMBIOS 3 entry point first, as dmi_scan.c does, then an SMBIOS 2 one.
 * The BIOS area is reserved in e820, so the map keeps it.
 *
 * Return: its physical address, or 0.
 */
u64 arch_kexec_pe_smbios(bool *v3)
{
	unsigned int off;
	const u8 *bios;
	u64 pa = 0;

	bios = memremap(BIOS_SMBIOS_START, BIOS_SMBIOS_SIZE, MEMREMAP_WB);
	if (!bios)
		return 0;
	for (off = 0; off < BIOS_SMBIOS_SIZE && !pa; off += 16) {
		if (smbios3_entry(bios + off, BIOS_SMBIOS_SIZE - off)) {
			*v3 = true;
			pa = BIOS_SMBIOS_START + off;
		}
	}
	for (off = 0; off < BIOS_SMBIOS_SIZE && !pa; off += 16) {
		if (smbios2_entry(bios + off, BIOS_SMBIOS_SIZE - off)) {
			*v3 = false;
			pa = BIOS_SMBIOS_START + off;
		}
	}
	memunmap((void *)bios);
	return pa;
}

/* The FADT reset register, when it is a byte the emulator can write. */
static void reset_register(struct efi_emulator_x86 *a)
{
#ifdef CONFIG_ACPI
	const struct acpi_generic_address *r = &acpi_gbl_FADT.reset_register;

	if (acpi_disabled || !(acpi_gbl_FADT.flags & ACPI_FADT_RESET_REGISTER) ||
	    !r->address || r->bit_width != 8 || r->bit_offset ||
	    (r->space_id != ACPI_ADR_SPACE_SYSTEM_IO &&
	     r->space_id != ACPI_ADR_SPACE_SYSTEM_MEMORY))
		return;
	a->reset_addr = r->address;
	a->reset_space = r->space_id;
	a->reset_value = acpi_gbl_FADT.reset_value;
	a->flags |= EFI_EMULATOR_X86_F_RESET_REG;
#endif
}

/**
 * arch_kexec_pe_entry() - page tables, CPU state and the entry point
 * @image:	the image being loaded; all other segments are placed
 * @p:		the parameter blob, its memory map filled
 * @emu_mem:	where the emulator segment goes
 * @blob_mem:	where the parameter blob goes
 * @buf:	out: the page tables' segment data, which the loader frees
 *		with vfree() when the image goes
 *
 * The purgatory enters the emulator with the blob in %rdi, on its own
 * stack; the emulator sets up its own at once.
 *
 * Return: 0 or -errno.
 */
int arch_kexec_pe_entry(struct kimage *image, struct efi_emulator_param *p,
			unsigned long emu_mem, unsigned long blob_mem,
			void **buf)
{
	const struct efi_emulator_memdesc *map = (const void *)p +
						 p->memmap_offset;
	const struct efi_emulator_header *hdr = (const void *)efi_emulator_blob;
	struct efi_emulator_x86 *a = &p->arch.x86;
	struct kexec_entry64_regs regs;
	struct pe_pgtable pt = { };
	bool la57 = pgtable_l5_enabled();
	unsigned long mem, root;
	void *stack;
	u64 off, win;
	u32 i;
	int ret = -ENOMEM;

	pt.pages = kcalloc(PT_MAX_PAGES, sizeof(*pt.pages), GFP_KERNEL);
	pt.level = kcalloc(PT_MAX_PAGES, sizeof(*pt.level), GFP_KERNEL);
	pt.root = pt.pages && pt.level ? pt_alloc(&pt, 0, &off) : NULL;
	if (!pt.root)
		goto out;
	for (i = 0; i < p->memmap_count; i++) {
		ret = map_region(&pt, &map[i]);
		if (ret) {
			pr_err("cannot map 0x%llx for the emulator: %d\n",
			       map[i].phys_addr, ret);
			goto out;
		}
	}
	/* The emulator itself, wherever kexec put it: it is RAM. */
	ret = map_range(&pt, emu_mem, emu_mem, le64_to_cpu(hdr->mem_size),
			PT_WB);
	if (ret && ret != -EEXIST)
		goto out;
	if (p->con.type == EFI_EMULATOR_CON_8250) {
		win = 8ULL << p->con.reg_shift;
		ret = map_range(&pt, p->con.base, p->con.base, win, PT_UC);
		if (ret && ret != -EEXIST) {
			pr_err("cannot map the console at 0x%llx: %d\n",
			       p->con.base, ret);
			goto out;
		}
	}
	reset_register(a);
	if (a->flags & EFI_EMULATOR_X86_F_RESET_REG && !a->reset_space) {
		ret = map_range(&pt, a->reset_addr, a->reset_addr, 1, PT_UC);
		if (ret && ret != -EEXIST)
			a->flags &= ~EFI_EMULATOR_X86_F_RESET_REG;
	}
	ret = pt_place(image, &pt, la57, &mem, &root, buf);
	if (ret) {
		pr_err("no room for %d pages of emulator page tables\n", pt.nr);
		goto out;
	}
	a->cr3 = root;
	if (la57)
		a->flags |= EFI_EMULATOR_X86_F_LA57;
	a->tsc_khz = tsc_khz;
	p->pt_base = mem;
	p->pt_size = (u64)pt.nr * PT_SIZE + (la57 ? PT_SIZE : 0);

	ret = kexec_purgatory_get_set_symbol(image, "entry64_regs", &regs,
					     sizeof(regs), true);
	if (ret)
		goto out;
	stack = kexec_purgatory_get_symbol_addr(image, "stack_end");
	if (IS_ERR(stack)) {
		ret = PTR_ERR(stack);
		goto out;
	}
	regs.rdi = blob_mem;
	regs.rip = emu_mem;
	regs.rsp = (unsigned long)stack;
	ret = kexec_purgatory_get_set_symbol(image, "entry64_regs", &regs,
					     sizeof(regs), false);
	kexec_dprintk("emulator page tables: %d pages at 0x%lx%s\n", pt.nr,
		      mem, la57 ? ", 5-level" : "");
out:
	pt_free(&pt);
	return ret;
}

