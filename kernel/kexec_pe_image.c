// SPDX-License-Identifier: GPL-2.0
/*
 * kexec_file_load() of PE/COFF kernels (EFI zboot, systemd UKI) through the
 * EFI boot-services emulator.
 *
 * The image is not unpacked here: it is loaded as it is, the signed object
 * being the one that runs.  Besides it the loader adds the emulator (a
 * blob built from drivers/firmware/efi/efi_emulator/) and a parameter blob
 * (include/linux/efi_emulator.h) describing the memory the emulator may
 * use, the command line, the initrd and the console; the architecture adds
 * its own segments (a DTB on arm64) and the page tables the emulator runs
 * on, and points the kexec entry at the emulator.  At kexec -e the
 * emulator runs the image's own EFI stub, which boots the next kernel.
 */
#define pr_fmt(fmt)	"kexec_file(PE): " fmt

#include <linux/crash_reserve.h>
#include <linux/ctype.h>
#include <linux/efi.h>
#include <linux/efi_emulator.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kexec.h>
#include <linux/libfdt.h>
#include <linux/memblock.h>
#include <linux/memory_hotplug.h>
#include <linux/of_fdt.h>
#include <linux/pe.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/unaligned.h>

/* Room for reserved ranges: the segments. */
#define PE_MAX_RESERVED		KEXEC_SEGMENT_MAX

/*
 * What booting needs beyond the images: the arm64 stub's copy of the FDT
 * (MAX_FDT_SIZE, 2 MiB), and the emulator's pool, tables and memory map.
 */
#define PE_EMU_SLACK		SZ_4M

/* Configuration tables of the first boot handed on (add_tables()). */
#define PE_MAX_TABLES		9

/* Ranges of the memreserve list (entries and nodes) a load may keep. */
#define PE_MAX_MEMRESERVE	4096

struct pe_loader_data {
	struct efi_emulator_param *param;
	void *arch_buf;
};

struct pe_range {
	u64 base;
	u64 size;
};

struct pe_memreserve {
	struct pe_range *range;		/* NULL: only count */
	u32 count;
	u32 max;
};

/*
 * A PE image for this machine that the architecture's own loaders do not
 * take: an arm64 Image is also MZ/PE, and keeps its direct path (it is
 * probed first, and its magic is checked here too).
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
	if (len >= 0x40 && !memcmp(buf + 0x38, "ARM\x64", 4))
		return -ENOEXEC;
	if (le32_to_cpu(mz.peaddr) > len - sizeof(pe))
		return -ENOEXEC;
	memcpy(&pe, buf + le32_to_cpu(mz.peaddr), sizeof(pe));
	if (le32_to_cpu(pe.magic) != PE_MAGIC)
		return -ENOEXEC;
	if (le16_to_cpu(pe.machine) != IMAGE_FILE_MACHINE_ARM64) {
		pr_err("PE machine 0x%x is not this machine's\n",
		       le16_to_cpu(pe.machine));
		return -ENOEXEC;
	}
	return 0;
}

/**
 * kexec_pe_reserve() - note a range the emulator must not hand out
 * @ctx:	loader state
 * @start:	physical start
 * @size:	bytes; the range is widened to whole EFI pages
 * @type:	EFI memory type it is reported as
 *
 * Return: 0, or -ENOSPC when the table is full.
 */
static int kexec_pe_reserve(struct kexec_pe_ctx *ctx, u64 start, u64 size,
			    u32 type)
{
	struct efi_emulator_memdesc *d;
	u64 end = ALIGN(start + size, EFI_PAGE_SIZE);

	if (ctx->nr_reserved == ctx->max_reserved)
		return -ENOSPC;
	start = ALIGN_DOWN(start, EFI_PAGE_SIZE);
	d = &ctx->reserved[ctx->nr_reserved++];
	d->type = type;
	d->flags = 0;
	d->phys_addr = start;
	d->num_pages = (end - start) >> EFI_PAGE_SHIFT;
	d->virt_addr = 0;
	d->attribute = EFI_MEMORY_WB;
	return 0;
}

static void put_desc(struct kexec_pe_ctx *ctx, u32 type, u64 start, u64 end,
		     u64 attr, u64 virt, u32 flags)
{
	struct efi_emulator_memdesc *d;

	if (end <= start)
		return;
	if (ctx->ram) {
		if (ctx->nr_ram == ctx->max_ram) {
			ctx->ram_overflow = true;
			return;
		}
		d = &ctx->ram[ctx->nr_ram];
		d->type = type;
		d->flags = flags;
		d->phys_addr = start;
		d->virt_addr = virt;
		d->num_pages = (end - start) >> EFI_PAGE_SHIFT;
		d->attribute = attr;
	}
	ctx->nr_ram++;
}

static void add_desc(struct kexec_pe_ctx *ctx, u32 type, u64 start, u64 end,
		     u64 attr)
{
	put_desc(ctx, type, start, end, attr, 0, 0);
}

/*
 * The next range at or after @pos that must stay untouched across the
 * kexec and be reported as EfiReservedMemoryType: memory the running
 * kernel does not map (no-map /reserved-memory, firmware regions), and the
 * DT's /memreserve/ entries, which the EFI stub deletes from the DT it
 * passes on because it expects the memory map to carry them.  (Mapped
 * /reserved-memory nodes stay in the DT: the next kernel reserves them
 * itself, as it does after firmware; U-Boot reports them the same way.)
 */
static bool next_kept(u64 pos, u64 *ks, u64 *ke)
{
	u64 s, e, best = U64_MAX, best_end = 0;
	struct memblock_region *r;
	u64 addr, size;
	int i, n = 0;

	for_each_mem_region(r) {
		if (!memblock_is_nomap(r))
			continue;
		s = ALIGN_DOWN(r->base, EFI_PAGE_SIZE);
		e = ALIGN(r->base + r->size, EFI_PAGE_SIZE);
		if (e > pos && s < best) {
			best = s;
			best_end = e;
		}
	}
	if (IS_ENABLED(CONFIG_OF_EARLY_FLATTREE) && initial_boot_params)
		n = fdt_num_mem_rsv(initial_boot_params);
	for (i = 0; i < n; i++) {
		if (fdt_get_mem_rsv(initial_boot_params, i, &addr, &size) ||
		    !size)
			continue;
		s = ALIGN_DOWN(addr, EFI_PAGE_SIZE);
		e = ALIGN(addr + size, EFI_PAGE_SIZE);
		if (e > pos && s < best) {
			best = s;
			best_end = e;
		}
	}
	*ks = best;
	*ke = best_end;
	return best != U64_MAX;
}

/*
 * RAM of [start, end) that the running kernel has in use (kernel image,
 * boot-time allocations, tables it reserved such as the memory attributes
 * table, the ESRT or the TPM event log): not free for the emulator or the
 * stub, but free again for the next kernel once it runs, so it is reported
 * as EfiBootServicesData, except the ranges next_kept() names.
 */
static void add_in_use(struct kexec_pe_ctx *ctx, u64 start, u64 end, u64 attr)
{
	u64 ks, ke;

	while (start < end) {
		if (!next_kept(start, &ks, &ke) || ks >= end) {
			add_desc(ctx, EFI_BOOT_SERVICES_DATA, start, end, attr);
			return;
		}
		if (ks > start)
			add_desc(ctx, EFI_BOOT_SERVICES_DATA, start, ks, attr);
		ks = max(ks, start);
		ke = min(ke, end);
		add_desc(ctx, EFI_RESERVED_TYPE, ks, ke, attr);
		start = ke;
	}
}

/*
 * Usable RAM [start, end): what memblock has free (the memory kexec's own
 * segment placement uses, kexec_walk_memblock()) becomes conventional
 * memory; the rest is in use (add_in_use()).  MEMBLOCK_NONE leaves out
 * no-map, hotpluggable-on-demand and driver-managed memory.
 *
 * A crash kernel gets only what lies in the crashkernel= reservation (which
 * memblock counts as reserved): the rest of RAM is the dump, so it is left
 * out of the map, and the next kernel learns the same from the DT's
 * linux,usable-memory-range and linux,elfcorehdr.
 */
static void add_usable(struct kexec_pe_ctx *ctx, u64 start, u64 end, u64 attr)
{
	phys_addr_t fs, fe;
	u64 pos = start, i;

#ifdef CONFIG_CRASH_DUMP
	const struct resource *crash[] = { &crashk_res, &crashk_low_res };
	u64 s, e;
	int j;

	if (ctx->image->type == KEXEC_TYPE_CRASH) {
		for (j = 0; j < ARRAY_SIZE(crash); j++) {
			if (crash[j]->end <= crash[j]->start)
				continue;
			s = max_t(u64, start,
				  ALIGN(crash[j]->start, EFI_PAGE_SIZE));
			e = min_t(u64, end,
				  ALIGN_DOWN(crash[j]->end + 1, EFI_PAGE_SIZE));
			add_desc(ctx, EFI_CONVENTIONAL_MEMORY, s, e, attr);
		}
		return;
	}
#endif
	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, &fs, &fe,
				NULL) {
		fs = max_t(u64, ALIGN(fs, EFI_PAGE_SIZE), start);
		fe = min_t(u64, ALIGN_DOWN(fe, EFI_PAGE_SIZE), end);
		if (fs >= fe)
			continue;
		add_in_use(ctx, pos, fs, attr);
		add_desc(ctx, EFI_CONVENTIONAL_MEMORY, fs, fe, attr);
		pos = fe;
	}
	add_in_use(ctx, pos, end, attr);
}

/*
 * After a boot through EFI the firmware's map is the truth: runtime
 * regions keep their type and, when their services are passed on, the
 * virtual address the first boot gave them (the emulator maps them there);
 * ACPI and reserved memory stay what they are, and what boot services and
 * loaders used is usable RAM again when the kernel used it as such
 * (is_usable_memory() in efi-init.c: write-back, and not soft-reserved
 * EFI_MEMORY_SP memory).  Other memory of those types keeps its type and
 * attributes; the emulator hands out only write-back memory without
 * EFI_MEMORY_SP.
 */
static void add_efi_map(struct kexec_pe_ctx *ctx)
{
	efi_memory_desc_t *md;
	u64 end;

	for_each_efi_memory_desc(md) {
		end = md->phys_addr + (md->num_pages << EFI_PAGE_SHIFT);
		switch (md->type) {
		case EFI_LOADER_CODE:
		case EFI_LOADER_DATA:
		case EFI_BOOT_SERVICES_CODE:
		case EFI_BOOT_SERVICES_DATA:
		case EFI_CONVENTIONAL_MEMORY:
			if (md->attribute & EFI_MEMORY_WB &&
			    !(efi_soft_reserve_enabled() &&
			      md->attribute & EFI_MEMORY_SP)) {
				add_usable(ctx, md->phys_addr, end,
					   md->attribute);
				break;
			}
			fallthrough;
		default:
			/* Runtime regions passed on keep their VA, even 0. */
			if (ctx->runtime && md->attribute & EFI_MEMORY_RUNTIME)
				put_desc(ctx, md->type, md->phys_addr, end,
					 md->attribute, md->virt_addr,
					 EFI_EMULATOR_MD_VIRT);
			else
				add_desc(ctx, md->type, md->phys_addr, end,
					 md->attribute);
		}
	}
}

/*
 * Without EFI, memblock's memory is the map: no-map regions reserved,
 * driver-managed memory (virtio-mem, dax/kmem) left to its driver in the
 * next kernel, as on the Image path.
 */
static void add_memblock(struct kexec_pe_ctx *ctx)
{
	struct memblock_region *r;
	u64 s, e;

	for_each_mem_region(r) {
		if (r->flags & MEMBLOCK_DRIVER_MANAGED)
			continue;
		s = ALIGN(r->base, EFI_PAGE_SIZE);
		e = ALIGN_DOWN(r->base + r->size, EFI_PAGE_SIZE);
		if (memblock_is_nomap(r))
			add_desc(ctx, EFI_RESERVED_TYPE, s, e, EFI_MEMORY_WB);
		else
			add_usable(ctx, s, e, EFI_MEMORY_WB);
	}
}

static void add_memory(struct kexec_pe_ctx *ctx)
{
	if (efi_enabled(EFI_MEMMAP))
		add_efi_map(ctx);
	else
		add_memblock(ctx);
}

/*
 * The memory map the emulator starts from: the EFI memory map of the
 * running system if it booted through EFI, else memblock's memory, with
 * only what memblock has free offered as conventional memory.  The
 * segments and page tables are marked later.  The first walk counts,
 * the second fills; memory hotplug is held off in between, and the second
 * walk never writes past what the first counted.
 */
static int collect_ram(struct kexec_pe_ctx *ctx)
{
	int ret = 0;

	get_online_mems();
	add_memory(ctx);
	ctx->max_ram = ctx->nr_ram;
	ctx->ram = kcalloc(ctx->max_ram, sizeof(*ctx->ram), GFP_KERNEL);
	if (ctx->ram) {
		ctx->nr_ram = 0;
		add_memory(ctx);
	} else {
		ret = -ENOMEM;
	}
	put_online_mems();
	if (!ret && ctx->ram_overflow) {
		pr_err("the memory map changed while it was read\n");
		ret = -EBUSY;
	}
	return ret;
}

/*
 * The virtual addresses the generic EFI stub (libstub efi_get_virtmap())
 * gives runtime regions when it calls SetVirtualAddressMap(): packed from
 * 512 MiB up in map order, each 64 KiB aligned, or 2 MiB aligned when it
 * is 2 MiB aligned and at least that large.
 */
#define PE_STUB_RT_VIRTUAL_BASE	SZ_512M

/*
 * Runtime services passed on must keep working in the next kernel.  Mapped
 * 1:1 by the first boot (its stub did not call SetVirtualAddressMap()),
 * they work wherever the next one maps them, as long as it does not call
 * it either.  Mapped elsewhere, they only work at those addresses: the
 * next stub must lay the regions out exactly as the first one did, which
 * it does when the emulator's map lists them in the first boot's order,
 * ahead of any new runtime memory (see emu_get_memory_map()).  Replay that
 * layout and refuse the load if it does not give the first boot's
 * addresses (a first boot that used another layout).
 */
static int check_runtime_layout(struct kexec_pe_ctx *ctx)
{
	u64 base = PE_STUB_RT_VIRTUAL_BASE, pa, size, va;
	const struct efi_emulator_memdesc *d;
	bool flat = true;
	u32 i, n = 0;

	for (i = 0; i < ctx->nr_ram; i++)
		if (ctx->ram[i].attribute & EFI_MEMORY_RUNTIME)
			flat &= ctx->ram[i].virt_addr == ctx->ram[i].phys_addr;
	if (flat)
		return 0;
	for (i = 0; i < ctx->nr_ram; i++) {
		d = &ctx->ram[i];
		if (!(d->attribute & EFI_MEMORY_RUNTIME))
			continue;
		pa = round_down(d->phys_addr, SZ_64K);
		size = (d->num_pages << EFI_PAGE_SHIFT) + d->phys_addr - pa;
		if (IS_ALIGNED(d->phys_addr, SZ_2M) && size >= SZ_2M)
			base = round_up(base, SZ_2M);
		else
			base = round_up(base, SZ_64K);
		va = d->phys_addr + base - pa;
		base += size;
		n++;
		if (va == d->virt_addr)
			continue;
		pr_err("EFI runtime region 0x%llx is at 0x%llx since the first boot, the next EFI stub would map it at 0x%llx: its runtime services cannot be passed on\n",
		       d->phys_addr, d->virt_addr, va);
		return -EINVAL;
	}
	kexec_dprintk("runtime services at the first boot's VAs: %u regions\n",
		      n);
	return 0;
}

/*
 * Firmware tables of the first boot the next kernel needs to see, and the
 * running kernel's memreserve list (the emulator keeps it behind the
 * empty one the next stub installs).
 */
static u32 add_tables(struct efi_emulator_table *t)
{
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
	u32 i, n = 0;

	if (!efi_enabled(EFI_BOOT))
		return 0;
	for (i = 0; i < ARRAY_SIZE(list); i++) {
		if (list[i].addr == EFI_INVALID_TABLE_ADDR)
			continue;
		memcpy(t[n].guid, list[i].guid, sizeof(t[n].guid));
		t[n].addr = list[i].addr;
		n++;
	}
	return n;
}

static int add_rsv(struct pe_memreserve *mr, u64 base, u64 size)
{
	if (!size)
		return 0;
	if (mr->count == mr->max) {
		pr_err("memreserve list too long or changing (%u ranges)\n",
		       mr->count);
		return -E2BIG;
	}
	if (mr->range) {
		mr->range[mr->count].base = base;
		mr->range[mr->count].size = size;
	}
	mr->count++;
	return 0;
}

/*
 * The running kernel's LINUX_EFI_MEMRESERVE list: what it reserved for
 * good (GICv3 LPI tables, which the hardware keeps using across kexec),
 * and the list's own nodes, which the next kernel reads.  Nodes never
 * cross a 4 KiB boundary (efi_mem_reserve_persistent()); a cycle ends at
 * the range limit.
 */
static int walk_memreserve(struct pe_memreserve *mr)
{
	struct linux_efi_memreserve *rsv;
	phys_addr_t pa = efi_memreserve_root_phys();
	size_t len;
	int i, n, ret = 0;

	mr->count = 0;
	while (pa && !ret) {
		len = max_t(size_t, SZ_4K - (pa & (SZ_4K - 1)), sizeof(*rsv));
		rsv = memremap(pa, len, MEMREMAP_WB);
		if (!rsv)
			return -ENOMEM;
		n = (len - sizeof(*rsv)) / sizeof(rsv->entry[0]);
		n = clamp(atomic_read(&rsv->count), 0, min(rsv->size, n));
		ret = add_rsv(mr, pa, struct_size(rsv, entry, n));
		for (i = 0; i < n && !ret; i++)
			ret = add_rsv(mr, rsv->entry[i].base,
				      rsv->entry[i].size);
		pa = rsv->next;
		memunmap(rsv);
	}
	return ret;
}

static int collect_memreserve(struct pe_memreserve *mr)
{
	int ret;

	mr->range = NULL;
	mr->max = PE_MAX_MEMRESERVE;
	ret = walk_memreserve(mr);
	if (ret || !mr->count)
		return ret;
	/* Room for what CPUs coming online add meanwhile. */
	mr->max = mr->count + 16;
	mr->range = kcalloc(mr->max, sizeof(*mr->range), GFP_KERNEL);
	if (!mr->range)
		return -ENOMEM;
	return walk_memreserve(mr);
}

static bool in_free_ram(struct kexec_pe_ctx *ctx, u64 start, u64 end,
			bool *partly)
{
	struct efi_emulator_memdesc *d;
	u64 s, e;
	u32 i;

	*partly = false;
	for (i = 0; i < ctx->nr_ram; i++) {
		d = &ctx->ram[i];
		s = d->phys_addr;
		e = s + (d->num_pages << EFI_PAGE_SHIFT);
		if (d->type != EFI_CONVENTIONAL_MEMORY || end <= s || start >= e)
			continue;
		if (start >= s && end <= e)
			return true;
		*partly = true;
	}
	return false;
}

/*
 * Keep the emulator and the stub off the memreserve ranges.  Those outside
 * its free memory (a crash kernel's) cannot be handed out anyway; one that
 * overlaps a segment or another range could only be a broken list.
 */
static int reserve_memreserve(struct kexec_pe_ctx *ctx,
			      const struct pe_memreserve *mr)
{
	u64 start, end, s, e;
	u32 i, j, nr = ctx->nr_reserved;
	bool partly;

	for (i = 0; i < mr->count; i++) {
		start = ALIGN_DOWN(mr->range[i].base, EFI_PAGE_SIZE);
		end = ALIGN(mr->range[i].base + mr->range[i].size,
			    EFI_PAGE_SIZE);
		if (!in_free_ram(ctx, start, end, &partly)) {
			if (!partly)
				continue;
			pr_err("memreserve range 0x%llx-0x%llx straddles free memory\n",
			       start, end - 1);
			return -EBUSY;
		}
		for (j = 0; j < ctx->nr_reserved; j++) {
			s = ctx->reserved[j].phys_addr;
			e = s + (ctx->reserved[j].num_pages << EFI_PAGE_SHIFT);
			if (end <= s || start >= e)
				continue;
			/* Entries and nodes may share a page. */
			if (j >= nr && start >= s && end <= e)
				break;
			pr_err("memreserve range 0x%llx-0x%llx overlaps 0x%llx-0x%llx\n",
			       start, end - 1, s, e - 1);
			return -EBUSY;
		}
		if (j < ctx->nr_reserved)
			continue;
		if (kexec_pe_reserve(ctx, start, end - start,
				     EFI_BOOT_SERVICES_DATA))
			return -ENOSPC;
	}
	return 0;
}

/*
 * For an EFI zboot image, the size of the kernel it decompresses (0 for
 * other images).  The zboot header gives the payload's offset and size
 * and the compression; the decompressed size (the inner SizeOfImage) is
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

static u64 free_ram(struct kexec_pe_ctx *ctx)
{
	u64 total = 0;
	u32 i;

	for (i = 0; i < ctx->nr_ram; i++)
		if (ctx->ram[i].type == EFI_CONVENTIONAL_MEMORY)
			total += ctx->ram[i].num_pages << EFI_PAGE_SHIFT;
	for (i = 0; i < ctx->nr_reserved; i++)
		total -= ctx->reserved[i].num_pages << EFI_PAGE_SHIFT;
	return total;
}

/* The longest run of free memory between the reserved ranges. */
static u64 largest_free(struct kexec_pe_ctx *ctx)
{
	const struct efi_emulator_memdesc *r;
	u64 best = 0, pos, end, next, rs, re;
	bool covered;
	u32 i, j;

	for (i = 0; i < ctx->nr_ram; i++) {
		if (ctx->ram[i].type != EFI_CONVENTIONAL_MEMORY)
			continue;
		pos = ctx->ram[i].phys_addr;
		end = pos + (ctx->ram[i].num_pages << EFI_PAGE_SHIFT);
		while (pos < end) {
			next = end;
			covered = false;
			for (j = 0; j < ctx->nr_reserved && !covered; j++) {
				r = &ctx->reserved[j];
				rs = r->phys_addr;
				re = rs + (r->num_pages << EFI_PAGE_SHIFT);
				if (re <= pos || rs >= end)
					continue;
				if (rs <= pos) {
					pos = re;
					covered = true;
				} else {
					next = min(next, rs);
				}
			}
			if (covered)
				continue;
			best = max(best, next - pos);
			pos = next;
		}
	}
	return best;
}

/*
 * Refuse at load time what could only fail after kexec -e (for kdump,
 * after the crash): free memory for the image as loaded, the kernel a
 * zboot image decompresses, the stub's copy of the initrd and the
 * emulator's pool; and one free block for the kernel image, which the
 * arm64 stub aligns to 2 MiB when it must move it.
 */
static int check_room(struct kexec_pe_ctx *ctx, const char *kernel,
		      unsigned long kernel_len, u32 image_size,
		      unsigned long initrd_len)
{
	u64 payload = zboot_payload_size(kernel, kernel_len);
	u64 need = image_size + payload + initrd_len + PE_EMU_SLACK;
	u64 block = max_t(u64, image_size, payload) + SZ_2M;
	u64 free = free_ram(ctx), largest = largest_free(ctx);

	kexec_dprintk("PE image: SizeOfImage %u, payload %llu, needs %llu KiB, block %llu KiB\n",
		      image_size, payload, need >> 10, block >> 10);
	if (free < need) {
		pr_err("booting this image needs %llu MiB, only %llu MiB free\n",
		       need >> 20, free >> 20);
		return -ENOMEM;
	}
	if (largest < block) {
		pr_err("booting this image needs %llu MiB in one piece, the largest free block is %llu MiB\n",
		       block >> 20, largest >> 20);
		return -ENOMEM;
	}
	return 0;
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
	    !kexec_pe_has_section(kernel, kernel_len, IMAGE_FILE_MACHINE_ARM64,
				  ".linux") ||
	    !kexec_pe_has_section(kernel, kernel_len, IMAGE_FILE_MACHINE_ARM64,
				  ".cmdline"))
		return 0;
	if (!security_locked_down(LOCKDOWN_KEXEC))
		return 0;
	if (profile_only(cmdline, cmdline_len, &profile)) {
		profiles = kexec_pe_count_sections(kernel, kernel_len,
						   IMAGE_FILE_MACHINE_ARM64,
						   ".profile");
		if (profile < profiles)
			return 0;
		pr_err("the kernel is locked down: this Unified Kernel Image has %u signed profiles, none is @%u\n",
		       profiles, profile);
		return -EPERM;
	}
	pr_err("the kernel is locked down: this Unified Kernel Image boots with its signed .cmdline, not another\n");
	return -EPERM;
}

static void *pe_load(struct kimage *image, char *kernel,
		     unsigned long kernel_len, char *initrd,
		     unsigned long initrd_len, char *cmdline,
		     unsigned long cmdline_len)
{
	const struct efi_emulator_header *hdr = (const void *)efi_emulator_blob;
	struct kexec_pe_ctx ctx = { .image = image, .cmdline = cmdline };
	unsigned long emu_mem, blob_mem, rt_mem, initrd_mem = 0;
	unsigned long orig_segments = image->nr_segments;
	struct efi_emulator_param *p = NULL;
	struct pe_memreserve mr = { };
	struct pe_loader_data *data = NULL;
	u32 image_size, off, cmd_room, size, i;
	size_t units = 0;
	int ret;

	if (le64_to_cpu(hdr->magic) != EFI_EMULATOR_IMAGE_MAGIC) {
		pr_err("the built-in EFI emulator is damaged\n");
		return ERR_PTR(-ENOEXEC);
	}
	ret = kexec_pe_check(kernel, kernel_len, IMAGE_FILE_MACHINE_ARM64,
			     &image_size);
	if (!ret)
		ret = kexec_pe_check_revoked(kernel, kernel_len,
					     IMAGE_FILE_MACHINE_ARM64);
	if (!ret)
		ret = check_uki_cmdline(kernel, kernel_len, cmdline,
					cmdline_len);
	if (ret)
		return ERR_PTR(ret);
	/*
	 * systemd-stub registers its .initrd over LoadFile2 and fails when
	 * another initrd is there already: at kexec -e, or for kdump after
	 * the crash.  Say so now.
	 */
	if (initrd && kexec_pe_has_section(kernel, kernel_len,
					   IMAGE_FILE_MACHINE_ARM64, ".linux") &&
	    kexec_pe_has_section(kernel, kernel_len, IMAGE_FILE_MACHINE_ARM64,
				 ".initrd")) {
		pr_err("this Unified Kernel Image brings its own initrd; systemd-stub refuses a second one\n");
		return ERR_PTR(-EINVAL);
	}
	ret = kexec_pe_utf16(cmdline ?: "", cmdline ? cmdline_len : 0, NULL,
			     &units);
	if (ret && ret != -ENOSPC) {
		pr_err("command line is not valid UTF-8\n");
		return ERR_PTR(ret);
	}

	/*
	 * The first boot's runtime services, at the virtual addresses it
	 * gave them.  A crash kernel gets none: other CPUs of the crashed
	 * system may be inside the firmware, and the crash kernel must not
	 * depend on it (it runs as with efi=noruntime).  A table that
	 * supports nothing (as the emulator's stand-in, after a PE kexec
	 * from a boot without EFI) is not worth passing on.
	 */
	ctx.runtime = efi_enabled(EFI_RUNTIME_SERVICES) &&
		      efi.runtime_supported_mask &&
		      image->type != KEXEC_TYPE_CRASH;

	ret = collect_ram(&ctx);
	if (!ret && ctx.runtime)
		ret = check_runtime_layout(&ctx);
	if (!ret)
		ret = collect_memreserve(&mr);
	if (ret)
		goto out_free;

	/* Header, command line, tables, memory map, reserved ranges. */
	cmd_room = ALIGN(units * sizeof(u16), 8);
	size = ALIGN(sizeof(*p), 8) + cmd_room +
	       PE_MAX_TABLES * sizeof(struct efi_emulator_table) +
	       (ctx.nr_ram + PE_MAX_RESERVED + mr.count) * sizeof(*ctx.ram);
	p = kzalloc(size, GFP_KERNEL);
	data = kzalloc(sizeof(*data), GFP_KERNEL);
	if (!p || !data) {
		ret = -ENOMEM;
		goto out_free;
	}
	off = ALIGN(sizeof(*p), 8);
	ret = fill_cmdline(p, off, cmd_room, cmdline, cmdline_len);
	if (ret)
		goto out_free;
	off += cmd_room;
	p->tables_offset = off;
	p->tables_count = add_tables((void *)((u8 *)p + off));
	off += PE_MAX_TABLES * sizeof(struct efi_emulator_table);
	p->memmap_offset = off;
	p->memmap_count = ctx.nr_ram;
	memcpy((u8 *)p + off, ctx.ram, ctx.nr_ram * sizeof(*ctx.ram));
	off += ctx.nr_ram * sizeof(*ctx.ram);
	p->reserved_offset = off;
	ctx.reserved = (void *)((u8 *)p + off);
	ctx.max_reserved = PE_MAX_RESERVED + mr.count;
	ctx.param = p;

	ret = add_segment(image, kernel, kernel_len, kernel_len, SZ_64K, false,
			  &ctx.pe_mem, "PE image");
	if (ret)
		goto out_free;
	ctx.pe_size = kernel_len;
	ret = add_segment(image, efi_emulator_blob,
			  efi_emulator_blob_end - efi_emulator_blob,
			  le64_to_cpu(hdr->mem_size), SZ_64K, true, &emu_mem,
			  "EFI emulator");
	if (ret)
		goto out_free;
	/*
	 * The emulator's runtime block (system table, configuration table
	 * array, runtime services table): 64 KiB, as AArch64 UEFI sizes
	 * runtime memory.
	 */
	ret = add_segment(image, NULL, 0, EFI_EMULATOR_RT_SIZE,
			  EFI_EMULATOR_RT_SIZE, true, &rt_mem,
			  "EFI runtime block");
	if (ret)
		goto out_free;
	if (initrd) {
		ret = add_segment(image, initrd, initrd_len, initrd_len,
				  SZ_64K, true, &initrd_mem, "initrd");
		if (ret)
			goto out_free;
	}
	ret = arch_kexec_pe_segments(&ctx);
	if (ret)
		goto out_free;
	ret = add_segment(image, p, size, size, SZ_64K, true, &blob_mem,
			  "parameters");
	if (ret)
		goto out_free;
	ret = arch_kexec_pe_entry(&ctx, emu_mem, blob_mem);
	if (ret)
		goto out_free;

	for (i = 0; i < image->nr_segments; i++) {
		ret = kexec_pe_reserve(&ctx, image->segment[i].mem,
				       image->segment[i].memsz,
				       segment_type(image, i, orig_segments,
						    emu_mem, rt_mem));
		if (ret)
			goto out_free;
	}
	ret = reserve_memreserve(&ctx, &mr);
	if (ret)
		goto out_free;
	p->reserved_count = ctx.nr_reserved;

	ret = check_room(&ctx, kernel, kernel_len, image_size, initrd_len);
	if (ret)
		goto out_free;
	ret = kexec_pe_check_map(p);
	if (ret)
		goto out_free;

	p->magic = EFI_EMULATOR_PARAM_MAGIC;
	p->version = EFI_EMULATOR_VERSION;
	p->size = size;
	p->pe_base = ctx.pe_mem;
	p->pe_size = kernel_len;
	p->initrd_base = initrd_mem;
	p->initrd_size = initrd ? initrd_len : 0;
	p->rt_base = rt_mem;
	if (image->type == KEXEC_TYPE_CRASH)
		p->flags |= EFI_EMULATOR_F_CRASH;
	if (ctx.runtime) {
		p->runtime = (u64)(unsigned long)efi.runtime;
		p->runtime_supported = efi.runtime_supported_mask;
	}

	kfree(ctx.ram);
	kfree(mr.range);
	data->param = p;
	data->arch_buf = ctx.arch_buf;
	return data;

out_free:
	image->nr_segments = orig_segments;
	kfree(ctx.ram);
	kfree(mr.range);
	kfree(p);
	kfree(data);
	vfree(ctx.arch_buf);
	return ERR_PTR(ret);
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
