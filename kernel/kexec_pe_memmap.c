// SPDX-License-Identifier: GPL-2.0
/*
 * The memory map the PE image loader hands the EFI emulator: the running
 * system's memory (its EFI memory map after a boot through EFI, memblock's
 * otherwise) with only what memblock has free offered as conventional
 * memory, the ranges of that free memory which are in use when the
 * emulator starts (the kexec segments, the memreserve list), and the
 * checks that the image fits.  Where memblock is gone after boot
 * (!CONFIG_ARCH_KEEP_MEMBLOCK: x86), the architecture reports the memory
 * instead (arch_kexec_pe_memory()).
 *
 * Three kinds of memory are kept from the emulator and the stub, each with
 * its own name here: RAM the running kernel uses (add_kernel_used(),
 * EfiBootServicesData: free again for the next kernel), memory that must
 * stay untouched in the next kernel as well (next_kept(),
 * EfiReservedMemoryType), and ranges of free RAM in use at entry
 * (kexec_pe_memmap_mark(), typed by the caller).  "memreserve" is only
 * ever the LINUX_EFI_MEMRESERVE list.
 */
#define pr_fmt(fmt)	"kexec_file(PE): " fmt

#include <linux/crash_reserve.h>
#include <linux/efi.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kexec.h>
#include <linux/libfdt.h>
#include <linux/memblock.h>
#include <linux/memory_hotplug.h>
#include <linux/of_fdt.h>
#include <linux/slab.h>

#include "kexec_pe.h"

/* Ranges of the memreserve list (entries and nodes) a load may keep. */
#define PE_MAX_MEMRESERVE	4096

/**
 * kexec_pe_memmap_mark() - note a range the emulator must not hand out
 * @map:	the map
 * @start:	physical start
 * @size:	bytes; the range is widened to whole EFI pages
 * @type:	EFI memory type it is reported as
 *
 * Return: 0, or -ENOSPC when @map has no room left.
 */
int kexec_pe_memmap_mark(struct kexec_pe_memmap *map, u64 start, u64 size,
			 u32 type)
{
	struct efi_emulator_memdesc *d;
	u64 end = ALIGN(start + size, EFI_PAGE_SIZE);

	if (map->nr_in_use == map->max_in_use)
		return -ENOSPC;
	start = ALIGN_DOWN(start, EFI_PAGE_SIZE);
	d = &map->in_use[map->nr_in_use++];
	d->type = type;
	d->flags = 0;
	d->phys_addr = start;
	d->num_pages = (end - start) >> EFI_PAGE_SHIFT;
	d->virt_addr = 0;
	d->attribute = EFI_MEMORY_WB;
	return 0;
}

static void put_desc(struct kexec_pe_memmap *map, u32 type, u64 start,
		     u64 end, u64 attr, u64 virt, u32 flags)
{
	struct efi_emulator_memdesc *d;

	if (end <= start)
		return;
	if (map->desc) {
		if (map->nr_desc == map->max_desc) {
			map->overflow = true;
			return;
		}
		d = &map->desc[map->nr_desc];
		d->type = type;
		d->flags = flags;
		d->phys_addr = start;
		d->virt_addr = virt;
		d->num_pages = (end - start) >> EFI_PAGE_SHIFT;
		d->attribute = attr;
	}
	map->nr_desc++;
}

#ifndef CONFIG_ARCH_HAS_KEXEC_PE_MEMMAP
static void add_desc(struct kexec_pe_memmap *map, u32 type, u64 start,
		     u64 end, u64 attr)
{
	put_desc(map, type, start, end, attr, 0, 0);
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
static void add_kernel_used(struct kexec_pe_memmap *map, u64 start, u64 end,
			    u64 attr)
{
	u64 ks, ke;

	while (start < end) {
		if (!next_kept(start, &ks, &ke) || ks >= end) {
			add_desc(map, EFI_BOOT_SERVICES_DATA, start, end, attr);
			return;
		}
		if (ks > start)
			add_desc(map, EFI_BOOT_SERVICES_DATA, start, ks, attr);
		ks = max(ks, start);
		ke = min(ke, end);
		add_desc(map, EFI_RESERVED_TYPE, ks, ke, attr);
		start = ke;
	}
}

/*
 * Usable RAM [start, end): what memblock has free (the memory kexec's own
 * segment placement uses, kexec_walk_memblock()) becomes conventional
 * memory; the rest is in use (add_kernel_used()).  MEMBLOCK_NONE leaves out
 * no-map, hotpluggable-on-demand and driver-managed memory.
 *
 * A crash kernel gets only what lies in the crashkernel= reservation (which
 * memblock counts as reserved): the rest of RAM is the dump, so it is left
 * out of the map, and the next kernel learns the same from the DT's
 * linux,usable-memory-range and linux,elfcorehdr.
 */
static void add_usable(struct kexec_pe_memmap *map, u64 start, u64 end,
		       u64 attr)
{
	phys_addr_t fs, fe;
	u64 pos = start, i;

#ifdef CONFIG_CRASH_DUMP
	const struct resource *crash[] = { &crashk_res, &crashk_low_res };
	u64 s, e;
	int j;

	if (map->crash) {
		for (j = 0; j < ARRAY_SIZE(crash); j++) {
			if (crash[j]->end <= crash[j]->start)
				continue;
			s = max_t(u64, start,
				  ALIGN(crash[j]->start, EFI_PAGE_SIZE));
			e = min_t(u64, end,
				  ALIGN_DOWN(crash[j]->end + 1, EFI_PAGE_SIZE));
			add_desc(map, EFI_CONVENTIONAL_MEMORY, s, e, attr);
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
		add_kernel_used(map, pos, fs, attr);
		add_desc(map, EFI_CONVENTIONAL_MEMORY, fs, fe, attr);
		pos = fe;
	}
	add_kernel_used(map, pos, end, attr);
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
static void add_efi_map(struct kexec_pe_memmap *map)
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
				add_usable(map, md->phys_addr, end,
					   md->attribute);
				break;
			}
			fallthrough;
		default:
			/* Runtime regions passed on keep their VA, even 0. */
			if (map->runtime && md->attribute & EFI_MEMORY_RUNTIME)
				put_desc(map, md->type, md->phys_addr, end,
					 md->attribute, md->virt_addr,
					 EFI_EMULATOR_MD_VIRT);
			else
				add_desc(map, md->type, md->phys_addr, end,
					 md->attribute);
		}
	}
}

/*
 * Without EFI, memblock's memory is the map: no-map regions reserved,
 * driver-managed memory (virtio-mem, dax/kmem) left to its driver in the
 * next kernel, as on the Image path.
 */
static void add_memblock(struct kexec_pe_memmap *map)
{
	struct memblock_region *r;
	u64 s, e;

	for_each_mem_region(r) {
		if (r->flags & MEMBLOCK_DRIVER_MANAGED)
			continue;
		s = ALIGN(r->base, EFI_PAGE_SIZE);
		e = ALIGN_DOWN(r->base + r->size, EFI_PAGE_SIZE);
		if (memblock_is_nomap(r))
			add_desc(map, EFI_RESERVED_TYPE, s, e, EFI_MEMORY_WB);
		else
			add_usable(map, s, e, EFI_MEMORY_WB);
	}
}

static int add_memory(struct kexec_pe_memmap *map)
{
	if (efi_enabled(EFI_MEMMAP))
		add_efi_map(map);
	else
		add_memblock(map);
	return 0;
}
#else
static void add_arch_desc(void *arg, const struct efi_emulator_memdesc *d)
{
	put_desc(arg, d->type, d->phys_addr,
		 d->phys_addr + (d->num_pages << EFI_PAGE_SHIFT), d->attribute,
		 d->virt_addr, d->flags);
}

static int add_memory(struct kexec_pe_memmap *map)
{
	return arch_kexec_pe_memory(map->crash, map->runtime, add_arch_desc,
				    map);
}
#endif

/*
 * The memory map the emulator starts from: the EFI memory map of the
 * running system if it booted through EFI, else memblock's memory, with
 * only what memblock has free offered as conventional memory.  The
 * segments and page tables are marked later.  The first walk counts,
 * the second fills; memory hotplug is held off in between, and the second
 * walk never writes past what the first counted.
 */
static int read_desc(struct kexec_pe_memmap *map)
{
	int ret = 0;

	get_online_mems();
	ret = add_memory(map);
	map->max_desc = map->nr_desc;
	map->desc = ret ? NULL :
		    kcalloc(map->max_desc, sizeof(*map->desc), GFP_KERNEL);
	if (map->desc) {
		map->nr_desc = 0;
		ret = add_memory(map);
	} else if (!ret) {
		ret = -ENOMEM;
	}
	put_online_mems();
	if (!ret && map->overflow) {
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
static int check_runtime_layout(const struct kexec_pe_memmap *map)
{
	u64 base = PE_STUB_RT_VIRTUAL_BASE, pa, size, va;
	const struct efi_emulator_memdesc *d;
	bool flat = true;
	u32 i, n = 0;

	for (i = 0; i < map->nr_desc; i++)
		if (map->desc[i].attribute & EFI_MEMORY_RUNTIME)
			flat &= map->desc[i].virt_addr == map->desc[i].phys_addr;
	if (flat)
		return 0;
	for (i = 0; i < map->nr_desc; i++) {
		d = &map->desc[i];
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

static int add_rsv(struct kexec_pe_memmap *map, u64 base, u64 size)
{
	if (!size)
		return 0;
	if (map->nr_rsv == map->max_rsv) {
		pr_err("memreserve list too long or changing (%u ranges)\n",
		       map->nr_rsv);
		return -E2BIG;
	}
	if (map->rsv) {
		map->rsv[map->nr_rsv].base = base;
		map->rsv[map->nr_rsv].size = size;
	}
	map->nr_rsv++;
	return 0;
}

/*
 * The running kernel's LINUX_EFI_MEMRESERVE list: what it reserved for
 * good (GICv3 LPI tables, which the hardware keeps using across kexec),
 * and the list's own nodes, which the next kernel reads.  Nodes never
 * cross a 4 KiB boundary (efi_mem_reserve_persistent()); a cycle ends at
 * the range limit.
 */
static int walk_memreserve(struct kexec_pe_memmap *map)
{
	struct linux_efi_memreserve *rsv;
	phys_addr_t pa = efi_memreserve_root_phys();
	size_t len;
	int i, n, ret = 0;

	map->nr_rsv = 0;
	while (pa && !ret) {
		len = max_t(size_t, SZ_4K - (pa & (SZ_4K - 1)), sizeof(*rsv));
		rsv = memremap(pa, len, MEMREMAP_WB);
		if (!rsv)
			return -ENOMEM;
		n = (len - sizeof(*rsv)) / sizeof(rsv->entry[0]);
		n = clamp(atomic_read(&rsv->count), 0, min(rsv->size, n));
		ret = add_rsv(map, pa, struct_size(rsv, entry, n));
		for (i = 0; i < n && !ret; i++)
			ret = add_rsv(map, rsv->entry[i].base,
				      rsv->entry[i].size);
		pa = rsv->next;
		memunmap(rsv);
	}
	return ret;
}

static int read_memreserve(struct kexec_pe_memmap *map)
{
	int ret;

	map->rsv = NULL;
	map->max_rsv = PE_MAX_MEMRESERVE;
	ret = walk_memreserve(map);
	if (ret || !map->nr_rsv)
		return ret;
	/* Room for what CPUs coming online add meanwhile. */
	map->max_rsv = map->nr_rsv + 16;
	map->rsv = kcalloc(map->max_rsv, sizeof(*map->rsv), GFP_KERNEL);
	if (!map->rsv)
		return -ENOMEM;
	return walk_memreserve(map);
}

static bool in_free_ram(const struct kexec_pe_memmap *map, u64 start, u64 end,
			bool *partly)
{
	const struct efi_emulator_memdesc *d;
	u64 s, e;
	u32 i;

	*partly = false;
	for (i = 0; i < map->nr_desc; i++) {
		d = &map->desc[i];
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
/**
 * kexec_pe_memmap_mark_memreserve() - keep the memreserve list in use
 * @map:	the map, its segments marked
 *
 * Return: 0, -EBUSY for a broken list, -ENOSPC when @map is full.
 */
int kexec_pe_memmap_mark_memreserve(struct kexec_pe_memmap *map)
{
	u64 start, end, s, e;
	u32 i, j, nr = map->nr_in_use;
	bool partly;

	for (i = 0; i < map->nr_rsv; i++) {
		start = ALIGN_DOWN(map->rsv[i].base, EFI_PAGE_SIZE);
		end = ALIGN(map->rsv[i].base + map->rsv[i].size,
			    EFI_PAGE_SIZE);
		if (!in_free_ram(map, start, end, &partly)) {
			if (!partly)
				continue;
			pr_err("memreserve range 0x%llx-0x%llx straddles free memory\n",
			       start, end - 1);
			return -EBUSY;
		}
		for (j = 0; j < map->nr_in_use; j++) {
			s = map->in_use[j].phys_addr;
			e = s + (map->in_use[j].num_pages << EFI_PAGE_SHIFT);
			if (end <= s || start >= e)
				continue;
			/* Entries and nodes may share a page. */
			if (j >= nr && start >= s && end <= e)
				break;
			pr_err("memreserve range 0x%llx-0x%llx overlaps 0x%llx-0x%llx\n",
			       start, end - 1, s, e - 1);
			return -EBUSY;
		}
		if (j < map->nr_in_use)
			continue;
		if (kexec_pe_memmap_mark(map, start, end - start,
					 EFI_BOOT_SERVICES_DATA))
			return -ENOSPC;
	}
	return 0;
}

static u64 free_ram(const struct kexec_pe_memmap *map)
{
	u64 total = 0;
	u32 i;

	for (i = 0; i < map->nr_desc; i++)
		if (map->desc[i].type == EFI_CONVENTIONAL_MEMORY)
			total += map->desc[i].num_pages << EFI_PAGE_SHIFT;
	for (i = 0; i < map->nr_in_use; i++)
		total -= map->in_use[i].num_pages << EFI_PAGE_SHIFT;
	return total;
}

/* The longest run of free memory between the reserved ranges, from @min. */
static u64 largest_free(const struct kexec_pe_memmap *map, u64 min)
{
	const struct efi_emulator_memdesc *r;
	u64 best = 0, pos, end, next, rs, re;
	bool covered;
	u32 i, j;

	for (i = 0; i < map->nr_desc; i++) {
		if (map->desc[i].type != EFI_CONVENTIONAL_MEMORY)
			continue;
		pos = map->desc[i].phys_addr;
		end = pos + (map->desc[i].num_pages << EFI_PAGE_SHIFT);
		pos = max(pos, min);
		while (pos < end) {
			next = end;
			covered = false;
			for (j = 0; j < map->nr_in_use && !covered; j++) {
				r = &map->in_use[j];
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

/**
 * kexec_pe_memmap_check_room() - refuse now what could only fail later
 * @map:	the map, everything in use marked
 * @need:	bytes booting needs from free memory in all
 * @block:	bytes it needs in one piece
 * @min:	lowest address of that piece
 *
 * Return: 0, or -ENOMEM with the reason in the log.
 */
int kexec_pe_memmap_check_room(const struct kexec_pe_memmap *map, u64 need,
			       u64 block, u64 min)
{
	u64 free = free_ram(map), largest = largest_free(map, min);

	if (free < need) {
		pr_err("booting this image needs %llu MiB, only %llu MiB free\n",
		       need >> 20, free >> 20);
		return -ENOMEM;
	}
	if (largest < block) {
		pr_err("booting this image needs %llu MiB in one piece, the largest free block%s is %llu MiB\n",
		       block >> 20, min ? " above the kernel's minimum" : "",
		       largest >> 20);
		return -ENOMEM;
	}
	return 0;
}

/**
 * kexec_pe_memmap_read() - read the running system's memory map
 * @map:	zeroed; filled
 * @crash:	for a crash kernel: only crashkernel= is free
 * @runtime:	runtime services are passed on
 * @nr_in_use:	how many ranges besides the memreserve list will be marked
 *
 * The memreserve list is read as well, and with @runtime the runtime
 * regions are checked to keep their virtual addresses in the next kernel.
 *
 * Return: 0 or -errno; on error, kexec_pe_memmap_release() frees what
 * was allocated.
 */
int kexec_pe_memmap_read(struct kexec_pe_memmap *map, bool crash,
			 bool runtime, u32 nr_in_use)
{
	int ret;

	map->crash = crash;
	map->runtime = runtime;
	ret = read_desc(map);
	/* x86: the kernel, not its stub, calls SetVirtualAddressMap(). */
	if (!ret && runtime && IS_ENABLED(CONFIG_EFI_GENERIC_STUB))
		ret = check_runtime_layout(map);
	if (!ret)
		ret = read_memreserve(map);
	if (ret)
		return ret;
	map->max_in_use = nr_in_use + map->nr_rsv;
	map->in_use = kcalloc(map->max_in_use, sizeof(*map->in_use),
			      GFP_KERNEL);
	return map->in_use ? 0 : -ENOMEM;
}

/**
 * kexec_pe_memmap_release() - free what kexec_pe_memmap_read() allocated
 * @map:	the map
 */
void kexec_pe_memmap_release(struct kexec_pe_memmap *map)
{
	kfree(map->desc);
	kfree(map->in_use);
	kfree(map->rsv);
}
