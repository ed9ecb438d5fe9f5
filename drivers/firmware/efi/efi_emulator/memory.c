// SPDX-License-Identifier: GPL-2.0
/*
 * The memory map and the page and pool allocators behind AllocatePages(),
 * FreePages(), GetMemoryMap(), AllocatePool() and FreePool().
 *
 * The map is a sorted array of regions seeded by the kernel side: only
 * EFI_CONVENTIONAL_MEMORY in it is ever handed out, everything else (the
 * kexec segments, runtime regions, reserved memory) is reported as given
 * and never touched.  An allocation converts part of a conventional region
 * to the requested type, splitting it; a free converts it back; neighbours
 * that agree in everything are merged, so the map stays as short as
 * firmware's.  Every change bumps the map key, which ExitBootServices()
 * checks.  Allocation is top-down, as in EDK2, so the low memory the next
 * kernel's stub is likely to ask for by address stays free.
 */
#include <linux/efi_emulator.h>
#include "emulator.h"

#define PAGES_MAX	(~0ULL >> EFI_PAGE_SHIFT)

static int find_region(struct emu_memory *m, u64 start, u64 pages);

static u64 region_end(const struct emu_region *r)
{
	return r->start + (r->pages << EFI_PAGE_SHIFT);
}

void emu_mem_init(struct emu_memory *m, struct emu_region *storage, u32 max)
{
	m->map = storage;
	m->max = max;
	m->count = 0;
	m->key = 1;
	m->rt_added = 0;
	m->rt_granule = EMU_RT_GRANULE;
}

/*
 * UEFI 2.10, 2.3.6: on AArch64, memory the OS keeps mapped after boot
 * (runtime code and data, ACPI NVS, reserved) comes in 64 KiB aligned
 * blocks, so a kernel with 64 KiB pages can map it without taking its
 * neighbours' attributes.  EDK2 rounds such allocations the same way
 * (RUNTIME_PAGE_ALLOCATION_GRANULARITY).  Pages of the granule of @type.
 */
static u64 granule_pages(const struct emu_memory *m, u32 type)
{
	switch (type) {
	case EFI_RUNTIME_SERVICES_CODE:
	case EFI_RUNTIME_SERVICES_DATA:
	case EFI_ACPI_MEMORY_NVS:
	case EFI_RESERVED_TYPE:
		return m->rt_granule >> EFI_PAGE_SHIFT;
	default:
		return 1;
	}
}

/**
 * emu_mem_round() - how many pages an allocation of @type really takes
 * @m:		memory map
 * @type:	EFI memory type
 * @pages:	pages asked for, no more than a region holds
 *
 * Return: @pages rounded up to the runtime granule for runtime and
 * reserved types, @pages otherwise.
 */
u64 emu_mem_round(const struct emu_memory *m, u32 type, u64 pages)
{
	u64 g = granule_pages(m, type);

	return (pages + g - 1) & ~(g - 1);
}

/**
 * emu_mem_type_at() - the memory type at an address
 * @m:		memory map
 * @addr:	physical address
 *
 * Return: the type of the region holding @addr, EFI_MAX_MEMORY_TYPE if
 * none does.
 */
u32 emu_mem_type_at(struct emu_memory *m, u64 addr)
{
	int i = find_region(m, addr, 1);

	return i < 0 ? EFI_MAX_MEMORY_TYPE : m->map[i].type;
}

static bool mergeable(const struct emu_region *a, const struct emu_region *b)
{
	return region_end(a) == b->start && a->type == b->type &&
	       a->attr == b->attr && a->flags == b->flags &&
	       !(a->flags & EMU_REGION_VIRT) && !a->rt_order && !b->rt_order;
}

/* Merge region i with its neighbours where they agree in everything. */
static void merge_around(struct emu_memory *m, u32 i)
{
	struct emu_region *r = m->map;

	if (i + 1 < m->count && mergeable(&r[i], &r[i + 1])) {
		r[i].pages += r[i + 1].pages;
		memmove(&r[i + 1], &r[i + 2],
			(m->count - i - 2) * sizeof(*r));
		m->count--;
	}
	if (i > 0 && mergeable(&r[i - 1], &r[i])) {
		r[i - 1].pages += r[i].pages;
		memmove(&r[i], &r[i + 1], (m->count - i - 1) * sizeof(*r));
		m->count--;
	}
}

/* Index of the region holding [start, start + pages), or -1. */
static int find_region(struct emu_memory *m, u64 start, u64 pages)
{
	u32 i;

	for (i = 0; i < m->count; i++) {
		struct emu_region *r = &m->map[i];

		if (start >= r->start && start < region_end(r))
			return pages <= (region_end(r) - start) >> EFI_PAGE_SHIFT ?
			       i : -1;
	}
	return -1;
}

/*
 * Give [start, start + pages) inside region i a new type and flags: up to
 * two more regions appear (the parts before and after), then neighbours
 * merge.  The caller checked that the range lies inside region i.
 */
static efi_status_t retype(struct emu_memory *m, u32 i, u64 start, u64 pages,
			   u32 type, u32 flags)
{
	struct emu_region orig = m->map[i], *r;
	u64 end = start + (pages << EFI_PAGE_SHIFT);
	bool head = start > orig.start, tail = end < region_end(&orig);
	u32 extra = head + tail;

	if (m->count + extra > m->max)
		return EFI_OUT_OF_RESOURCES;
	memmove(&m->map[i + 1 + extra], &m->map[i + 1],
		(m->count - i - 1) * sizeof(orig));
	m->count += extra;

	r = &m->map[i];
	if (head) {
		r->pages = (start - orig.start) >> EFI_PAGE_SHIFT;
		r++;
		i++;
	}
	*r = orig;
	r->start = start;
	r->pages = pages;
	r->type = type;
	r->flags = flags | (orig.flags & EMU_REGION_VIRT);
	/* Runtime types carry EFI_MEMORY_RUNTIME, as firmware reports them. */
	if (type == EFI_RUNTIME_SERVICES_CODE ||
	    type == EFI_RUNTIME_SERVICES_DATA)
		r->attr |= EFI_MEMORY_RUNTIME;
	else
		r->attr &= ~EFI_MEMORY_RUNTIME;
	if (orig.flags & EMU_REGION_VIRT)
		r->virt = orig.virt + (start - orig.start);
	if (tail) {
		r[1] = orig;
		r[1].start = end;
		r[1].pages = (region_end(&orig) - end) >> EFI_PAGE_SHIFT;
		if (orig.flags & EMU_REGION_VIRT)
			r[1].virt = orig.virt + (end - orig.start);
	}
	merge_around(m, i);
	m->key++;
	return EFI_SUCCESS;
}

static efi_status_t add_region(struct emu_memory *m, u64 start, u64 pages,
			       u32 type, u64 attr, u64 virt, u32 flags)
{
	struct emu_region *r = m->map;
	u64 end;
	u32 i;

	/* ~start is the room left below 2^64: the end may not wrap. */
	if (!pages || pages > PAGES_MAX || start & (EFI_PAGE_SIZE - 1) ||
	    pages << EFI_PAGE_SHIFT > ~start)
		return EFI_INVALID_PARAMETER;
	end = start + (pages << EFI_PAGE_SHIFT);

	for (i = 0; i < m->count && r[i].start < start; i++)
		;
	if (i > 0 && region_end(&r[i - 1]) > start)
		return EFI_INVALID_PARAMETER;
	if (i < m->count && end > r[i].start)
		return EFI_INVALID_PARAMETER;
	if (m->count == m->max)
		return EFI_OUT_OF_RESOURCES;

	memmove(&r[i + 1], &r[i], (m->count - i) * sizeof(*r));
	m->count++;
	r[i] = (struct emu_region){ .start = start, .pages = pages,
				    .type = type, .attr = attr, .virt = virt,
				    .flags = flags };
	if (attr & EFI_MEMORY_RUNTIME)
		r[i].rt_order = ++m->rt_added;
	merge_around(m, i);
	m->key++;
	return EFI_SUCCESS;
}

/**
 * emu_mem_add() - add a region to the memory map the emulator starts from
 * @m:		memory map
 * @start:	physical address, page aligned
 * @pages:	size in EFI pages
 * @type:	EFI memory type; only EFI_CONVENTIONAL_MEMORY is allocatable
 * @attr:	EFI memory attributes
 * @virt:	virtual address for runtime regions, 0 for none (see
 *		emu_mem_add_virt() for a region at virtual address 0)
 *
 * Regions with EFI_MEMORY_RUNTIME are numbered in the order they are
 * added, which GetMemoryMap() keeps (see emu_get_memory_map()).
 *
 * Return: EFI_SUCCESS; EFI_INVALID_PARAMETER for a misaligned, empty,
 * wrapping or overlapping region; EFI_OUT_OF_RESOURCES when the map is
 * full.
 */
efi_status_t emu_mem_add(struct emu_memory *m, u64 start, u64 pages,
			 u32 type, u64 attr, u64 virt)
{
	return add_region(m, start, pages, type, attr, virt,
			  virt ? EMU_REGION_VIRT : 0);
}

/**
 * emu_mem_add_virt() - add a region the first boot mapped at @virt
 * @m:		memory map
 * @start:	physical address, page aligned
 * @pages:	size in EFI pages
 * @type:	EFI memory type
 * @attr:	EFI memory attributes
 * @virt:	its virtual address, which may be 0 (a runtime region at
 *		physical address 0, mapped 1:1)
 *
 * Return: as emu_mem_add().
 */
efi_status_t emu_mem_add_virt(struct emu_memory *m, u64 start, u64 pages,
			      u32 type, u64 attr, u64 virt)
{
	return add_region(m, start, pages, type, attr, virt, EMU_REGION_VIRT);
}

/**
 * emu_mem_reserve() - mark part of conventional memory as in use
 * @m:		memory map
 * @start:	page-aligned start
 * @pages:	size in EFI pages
 * @type:	the type it gets, e.g. EFI_BOOT_SERVICES_DATA
 *
 * For what the host put in memory before the emulator started (kexec
 * segments, page tables): not allocatable, and not freeable either.
 *
 * Return: EFI_SUCCESS, or EFI_NOT_FOUND unless the whole range is free
 * conventional memory.
 */
efi_status_t emu_mem_reserve(struct emu_memory *m, u64 start, u64 pages,
			     u32 type)
{
	int i;

	if (start & (EFI_PAGE_SIZE - 1) || !pages || pages > PAGES_MAX)
		return EFI_INVALID_PARAMETER;
	i = find_region(m, start, pages);
	if (i < 0 || m->map[i].type != EFI_CONVENTIONAL_MEMORY ||
	    m->map[i].flags)
		return EFI_NOT_FOUND;
	return retype(m, i, start, pages, type, 0);
}

/**
 * emu_mem_keep() - make what is still free of a range unallocatable
 * @m:		memory map
 * @start:	physical start; widened to whole EFI pages
 * @size:	bytes
 * @type:	the type the free parts get
 *
 * For ranges the host learns of late, which may overlap what is already
 * reserved or lie outside the map (then there is nothing to keep).
 *
 * Return: EFI_SUCCESS, EFI_INVALID_PARAMETER for a wrapping range, or
 * EFI_OUT_OF_RESOURCES when the map is full.
 */
efi_status_t emu_mem_keep(struct emu_memory *m, u64 start, u64 size, u32 type)
{
	u64 end = start + size, s, e;
	efi_status_t status;
	u32 i = 0;

	if (end < start || end > ~0ULL - EFI_PAGE_SIZE)
		return EFI_INVALID_PARAMETER;
	start &= ~(EFI_PAGE_SIZE - 1);
	end = (end + EFI_PAGE_SIZE - 1) & ~(EFI_PAGE_SIZE - 1);
	while (i < m->count) {
		struct emu_region *r = &m->map[i];

		s = r->start > start ? r->start : start;
		e = region_end(r) < end ? region_end(r) : end;
		if (s >= e || r->type != EFI_CONVENTIONAL_MEMORY || r->flags) {
			i++;
			continue;
		}
		status = retype(m, i, s, (e - s) >> EFI_PAGE_SHIFT, type, 0);
		if (status != EFI_SUCCESS)
			return status;
		/* Regions moved and merged: look again from the start. */
		i = 0;
	}
	return EFI_SUCCESS;
}

/**
 * emu_mem_readable() - may the emulator read this range?
 * @m:		memory map
 * @pa:		physical start
 * @len:	bytes
 *
 * What the host maps: RAM (free memory and what the running kernel had
 * in use, write-back) 1:1, and runtime regions of the first boot that it
 * passes on (they have a virtual address) at their physical address as
 * well, except MMIO.  Never reserved memory, which may not even be
 * accessible.
 *
 * Return: true if [@pa, @pa + @len) lies in one such region.
 */
bool emu_mem_readable(struct emu_memory *m, u64 pa, u64 len)
{
	const struct emu_region *r;
	u32 i;

	for (i = 0; i < m->count; i++) {
		r = &m->map[i];
		if (pa < r->start || pa - r->start >= r->pages << EFI_PAGE_SHIFT)
			continue;
		if (len > (r->pages << EFI_PAGE_SHIFT) - (pa - r->start) ||
		    !(r->attr & EFI_MEMORY_WB))
			return false;
		if (efi_emulator_ram_type(r->type))
			return true;
		if (r->type == EFI_RUNTIME_SERVICES_CODE ||
		    r->type == EFI_RUNTIME_SERVICES_DATA)
			return r->flags & EMU_REGION_VIRT || !r->rt_order;
		return false;
	}
	return false;
}

/*
 * Memory that may be handed out: conventional, not owned, write-back and
 * not specific-purpose (EFI_MEMORY_SP), as EDK2 keeps SP memory for the OS.
 */
static bool allocatable(const struct emu_region *r)
{
	return r->type == EFI_CONVENTIONAL_MEMORY && !r->flags &&
	       (r->attr & EFI_MEMORY_WB) && !(r->attr & EFI_MEMORY_SP);
}

static bool valid_alloc_type(u32 type)
{
	if (type >= 0x70000000)		/* OEM and OS loader ranges */
		return true;
	return type < EFI_MAX_MEMORY_TYPE && type != EFI_CONVENTIONAL_MEMORY &&
	       type != EFI_PERSISTENT_MEMORY && type != EFI_UNACCEPTED_MEMORY;
}

/**
 * emu_alloc_aligned() - allocate pages top-down with a given alignment
 * @m:		memory map
 * @type:	memory type of the allocation
 * @pages:	number of EFI pages
 * @align:	alignment in bytes, a power of two, at least EFI_PAGE_SIZE
 * @max_addr:	highest address the allocation may include
 * @addr:	out: start of the allocation
 *
 * The PE loader needs alignments above a page (an arm64 Image asks for
 * 64 KiB); AllocatePages() uses this with @align = EFI_PAGE_SIZE.  Runtime
 * and reserved types are rounded to the runtime granule, in size and
 * alignment (see granule_pages()).
 *
 * Return: EFI_SUCCESS, EFI_INVALID_PARAMETER, or EFI_OUT_OF_RESOURCES
 * when no conventional region can hold it.
 */
efi_status_t emu_alloc_aligned(struct emu_memory *m, u32 type, u64 pages,
			       u64 align, u64 max_addr, u64 *addr)
{
	u64 size, top, cand, g;
	int i;

	if (!addr || !valid_alloc_type(type) || !pages || pages > PAGES_MAX ||
	    align < EFI_PAGE_SIZE || (align & (align - 1)))
		return EFI_INVALID_PARAMETER;
	g = granule_pages(m, type);
	if (pages > PAGES_MAX - (g - 1))
		return EFI_OUT_OF_RESOURCES;
	pages = (pages + g - 1) & ~(g - 1);
	if (align < g << EFI_PAGE_SHIFT)
		align = g << EFI_PAGE_SHIFT;
	size = pages << EFI_PAGE_SHIFT;

	for (i = m->count - 1; i >= 0; i--) {
		struct emu_region *r = &m->map[i];

		if (!allocatable(r))
			continue;
		if (r->start > max_addr)
			continue;
		/* Highest end inside the region and at or below max_addr. */
		top = region_end(r);
		if (max_addr != ~0ULL && top > max_addr + 1)
			top = (max_addr + 1) & ~(EFI_PAGE_SIZE - 1);
		/* top >= r->start here; r->start + size may wrap. */
		if (size > top - r->start)
			continue;
		cand = (top - size) & ~(align - 1);
		if (cand < r->start)
			continue;
		*addr = cand;
		return retype(m, i, cand, pages, type, EMU_REGION_OWNED);
	}
	return EFI_OUT_OF_RESOURCES;
}

/**
 * emu_allocate_pages() - implements AllocatePages() (UEFI 2.10, 7.2)
 * @m:		memory map
 * @alloc_type:	EFI_ALLOCATE_ANY_PAGES, _MAX_ADDRESS or _ADDRESS
 * @mem_type:	memory type of the allocation
 * @pages:	number of EFI pages
 * @addr:	in: maximum or exact address; out: the allocation
 *
 * An exact address is honoured only when the whole range is free
 * conventional memory; otherwise EFI_NOT_FOUND, as firmware answers (also
 * for a runtime type at an address off the runtime granule, as EDK2).
 * A count larger than any region fails before any address arithmetic.
 *
 * Return: an EFI status.
 */
efi_status_t emu_allocate_pages(struct emu_memory *m, int alloc_type,
				u32 mem_type, u64 pages, u64 *addr)
{
	u64 g;
	int i;

	if (!addr || !valid_alloc_type(mem_type) || !pages ||
	    pages > PAGES_MAX)
		return EFI_INVALID_PARAMETER;

	switch (alloc_type) {
	case EFI_ALLOCATE_ANY_PAGES:
		return emu_alloc_aligned(m, mem_type, pages, EFI_PAGE_SIZE,
					 ~0ULL, addr);
	case EFI_ALLOCATE_MAX_ADDRESS:
		return emu_alloc_aligned(m, mem_type, pages, EFI_PAGE_SIZE,
					 *addr, addr);
	case EFI_ALLOCATE_ADDRESS:
		g = granule_pages(m, mem_type);
		if (*addr & ((g << EFI_PAGE_SHIFT) - 1) ||
		    pages > PAGES_MAX - (g - 1))
			return EFI_NOT_FOUND;
		pages = (pages + g - 1) & ~(g - 1);
		i = find_region(m, *addr, pages);
		if (i < 0 || !allocatable(&m->map[i]))
			return EFI_NOT_FOUND;
		return retype(m, i, *addr, pages, mem_type, EMU_REGION_OWNED);
	default:
		return EFI_INVALID_PARAMETER;
	}
}

/**
 * emu_free_pages() - implements FreePages() (UEFI 2.10, 7.2)
 * @m:		memory map
 * @addr:	start of the range, page aligned
 * @pages:	number of EFI pages
 *
 * Any part of an earlier allocation may be freed (stubs trim alignment
 * slack this way); memory the emulator did not hand out may not.  Runtime
 * and reserved types go back in whole runtime granules.
 *
 * Return: EFI_SUCCESS, EFI_INVALID_PARAMETER for a misaligned address,
 * EFI_NOT_FOUND when the range was not allocated here.
 */
efi_status_t emu_free_pages(struct emu_memory *m, u64 addr, u64 pages)
{
	u64 g;
	int i;

	if (addr & (EFI_PAGE_SIZE - 1) || !pages || pages > PAGES_MAX)
		return EFI_INVALID_PARAMETER;
	i = find_region(m, addr, 1);
	if (i < 0 || !(m->map[i].flags & EMU_REGION_OWNED))
		return EFI_NOT_FOUND;
	/* Runtime types are freed in whole granules, as they were allocated. */
	g = granule_pages(m, m->map[i].type);
	if (addr & ((g << EFI_PAGE_SHIFT) - 1))
		return EFI_INVALID_PARAMETER;
	if (pages > PAGES_MAX - (g - 1))
		return EFI_NOT_FOUND;
	pages = (pages + g - 1) & ~(g - 1);
	i = find_region(m, addr, pages);
	if (i < 0 || !(m->map[i].flags & EMU_REGION_OWNED))
		return EFI_NOT_FOUND;
	return retype(m, i, addr, pages, EFI_CONVENTIONAL_MEMORY, 0);
}

static u8 *put_desc(u8 *out, const struct emu_region *r)
{
	efi_memory_desc_t d = {
		.type = r->type,
		.phys_addr = r->start,
		.virt_addr = r->virt,
		.num_pages = r->pages,
		.attribute = r->attr,
	};

	memset(out, 0, EMU_DESC_SIZE);
	memcpy(out, &d, sizeof(d));
	return out + EMU_DESC_SIZE;
}

/**
 * emu_get_memory_map() - implements GetMemoryMap() (UEFI 2.10, 7.2)
 * @m:		memory map
 * @size:	in: size of @map in bytes; out: bytes written or needed
 * @map:	output buffer
 * @key:	out: the current map key
 * @desc_size:	out: size of one descriptor (EMU_DESC_SIZE)
 * @desc_version: out: EFI_MEMORY_DESCRIPTOR_VERSION
 *
 * Descriptors come in address order, runtime memory last: first the
 * host's runtime regions in the order it added them (the first boot's
 * firmware order), then runtime memory allocated here.  A stub that calls
 * SetVirtualAddressMap() packs runtime regions in map order
 * (efi_get_virtmap()), so this reproduces the first boot's layout, and
 * the emulator's own runtime block comes after all of it.  (EDK2, too,
 * lists MMIO after RAM.)
 *
 * Return: EFI_SUCCESS; EFI_BUFFER_TOO_SMALL with *@size set to the size
 * needed; EFI_INVALID_PARAMETER for NULL pointers.
 */
efi_status_t emu_get_memory_map(struct emu_memory *m, unsigned long *size,
				efi_memory_desc_t *map, unsigned long *key,
				unsigned long *desc_size, u32 *desc_version)
{
	unsigned long need = (unsigned long)m->count * EMU_DESC_SIZE;
	u8 *out = (u8 *)map;
	u32 i, n;

	if (!size)
		return EFI_INVALID_PARAMETER;
	if (desc_size)
		*desc_size = EMU_DESC_SIZE;
	if (desc_version)
		*desc_version = EFI_MEMORY_DESCRIPTOR_VERSION;
	if (*size < need) {
		*size = need;
		return EFI_BUFFER_TOO_SMALL;
	}
	if (!map)
		return EFI_INVALID_PARAMETER;

	/* Everything but runtime memory, in address order. */
	for (i = 0; i < m->count; i++)
		if (!(m->map[i].attr & EFI_MEMORY_RUNTIME))
			out = put_desc(out, &m->map[i]);
	/* The host's runtime regions in the order it gave them. */
	for (n = 1; n <= m->rt_added; n++)
		for (i = 0; i < m->count; i++)
			if (m->map[i].rt_order == n)
				out = put_desc(out, &m->map[i]);
	/* Runtime memory allocated here, in address order. */
	for (i = 0; i < m->count; i++)
		if (m->map[i].attr & EFI_MEMORY_RUNTIME && !m->map[i].rt_order)
			out = put_desc(out, &m->map[i]);
	*size = need;
	if (key)
		*key = m->key;
	return EFI_SUCCESS;
}

/*
 * Pool allocations get pages of their own with this header in front, as
 * U-Boot does: the map merges neighbouring allocations of one type, so it
 * stays short, and FreePool() can check what it is given.
 */
struct pool_hdr {
	u64 magic;
	u64 pages;
	u64 size;
	u64 reserved;	/* keeps the payload 16-byte aligned */
};

#define POOL_MAGIC	0x4c4f4f50554d45ULL	/* "EMUPOOL" */

/**
 * emu_allocate_pool() - implements AllocatePool() (UEFI 2.10, 7.2)
 * @m:		memory map
 * @type:	memory type
 * @size:	bytes wanted
 * @buf:	out: 16-byte aligned buffer
 *
 * Return: EFI_SUCCESS, EFI_INVALID_PARAMETER, or EFI_OUT_OF_RESOURCES.
 */
efi_status_t emu_allocate_pool(struct emu_memory *m, u32 type,
			       unsigned long size, void **buf)
{
	struct pool_hdr *h;
	efi_status_t status;
	u64 addr, pages;

	if (!buf)
		return EFI_INVALID_PARAMETER;
	if (size > (PAGES_MAX << EFI_PAGE_SHIFT) - sizeof(*h) - EFI_PAGE_SIZE)
		return EFI_OUT_OF_RESOURCES;
	pages = (size + sizeof(*h) + EFI_PAGE_SIZE - 1) >> EFI_PAGE_SHIFT;
	status = emu_allocate_pages(m, EFI_ALLOCATE_ANY_PAGES, type, pages,
				    &addr);
	if (status != EFI_SUCCESS)
		return status;
	h = emu_ptr(addr);
	h->magic = POOL_MAGIC;
	h->pages = emu_mem_round(m, type, pages);
	h->size = size;
	h->reserved = 0;
	*buf = h + 1;
	return EFI_SUCCESS;
}

/*
 * The header of pool buffer @buf, read only once the map says its page
 * was allocated here; NULL for anything else.
 */
static struct pool_hdr *pool_header(struct emu_memory *m, void *buf)
{
	u64 addr = emu_addr(buf) - sizeof(struct pool_hdr);
	struct pool_hdr *h = emu_ptr(addr);
	int i;

	if (!buf || addr & (EFI_PAGE_SIZE - 1))
		return NULL;
	i = find_region(m, addr, 1);
	if (i < 0 || !(m->map[i].flags & EMU_REGION_OWNED) ||
	    h->magic != POOL_MAGIC)
		return NULL;
	if (find_region(m, addr, h->pages) != i)
		return NULL;
	return h;
}

/**
 * emu_free_pool() - implements FreePool() (UEFI 2.10, 7.2)
 * @m:		memory map
 * @buf:	a buffer from emu_allocate_pool()
 *
 * The header is only read once the map says its page was allocated here,
 * so a wild pointer gets EFI_INVALID_PARAMETER rather than a fault; a
 * second free of the same buffer is caught by the cleared magic.
 *
 * Return: EFI_SUCCESS or EFI_INVALID_PARAMETER.
 */
efi_status_t emu_free_pool(struct emu_memory *m, void *buf)
{
	struct pool_hdr *h = pool_header(m, buf);

	if (!h)
		return EFI_INVALID_PARAMETER;
	h->magic = 0;
	return emu_free_pages(m, emu_addr(h), h->pages);
}

/**
 * emu_pool_pages() - the pages behind a pool buffer
 * @m:		memory map
 * @buf:	a buffer from emu_allocate_pool()
 * @base:	out: its first page
 * @pages:	out: how many
 *
 * Return: true if @buf is a live pool buffer.
 */
bool emu_pool_pages(struct emu_memory *m, void *buf, u64 *base, u64 *pages)
{
	struct pool_hdr *h = pool_header(m, buf);

	if (!h)
		return false;
	*base = emu_addr(h);
	*pages = h->pages;
	return true;
}
