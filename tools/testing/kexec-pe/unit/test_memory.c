// SPDX-License-Identifier: GPL-2.0
/*
 * Memory services: the map seeded by the kernel side, AllocatePages() in
 * its three modes, FreePages() of whole and partial allocations,
 * GetMemoryMap() sizes and keys, the pool, exhaustion, and a random
 * sequence checked against a page-by-page model.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/efi_emulator.h>
#include "emulator.h"
#include "kselftest_harness.h"

#define PAGE	EFI_PAGE_SIZE
#define MB	0x100000ULL

FIXTURE(mem) {
	struct emu_region storage[64];
	struct emu_memory m;
};

/*
 * A typical map: 16 MiB of RAM at 256 MiB split by a 1 MiB LOADER_DATA
 * (a kexec segment) and followed by a reserved hole and 1 MiB more RAM.
 *   0x10000000-0x10400000 conventional
 *   0x10400000-0x10500000 loader data (not ours)
 *   0x10500000-0x11000000 conventional
 *   0x11000000-0x11100000 reserved
 *   0x11100000-0x11200000 conventional
 */
FIXTURE_SETUP(mem)
{
	emu_mem_init(&self->m, self->storage, EMU_ARRAY_SIZE(self->storage));
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&self->m, 0x10000000, 0x400,
			      EFI_CONVENTIONAL_MEMORY, EFI_MEMORY_WB, 0));
	ASSERT_EQ(EFI_SUCCESS, emu_mem_add(&self->m, 0x10400000, 0x100,
					   EFI_LOADER_DATA, EFI_MEMORY_WB, 0));
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&self->m, 0x10500000, 0xb00,
			      EFI_CONVENTIONAL_MEMORY, EFI_MEMORY_WB, 0));
	ASSERT_EQ(EFI_SUCCESS, emu_mem_add(&self->m, 0x11000000, 0x100,
					   EFI_RESERVED_TYPE, 0, 0));
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&self->m, 0x11100000, 0x100,
			      EFI_CONVENTIONAL_MEMORY, EFI_MEMORY_WB, 0));
}

FIXTURE_TEARDOWN(mem)
{
}

/* Sorted, disjoint, no empty region, no two mergeable neighbours. */
static int map_consistent(const struct emu_memory *m)
{
	u32 i;

	for (i = 0; i < m->count; i++) {
		const struct emu_region *r = &m->map[i], *n = r + 1;

		if (!r->pages)
			return 0;
		if (i + 1 == m->count)
			break;
		if (r->start + r->pages * PAGE > n->start)
			return 0;
		if (r->start + r->pages * PAGE == n->start &&
		    r->type == n->type && r->flags == n->flags &&
		    r->attr == n->attr && !r->virt && !n->virt)
			return 0;
	}
	return 1;
}

static u64 pages_of_type(const struct emu_memory *m, u32 type)
{
	u64 n = 0;
	u32 i;

	for (i = 0; i < m->count; i++)
		if (m->map[i].type == type)
			n += m->map[i].pages;
	return n;
}

TEST_F(mem, seed_rejects_overlap_misalignment_and_wrap)
{
	struct emu_memory *m = &self->m;

	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  emu_mem_add(m, 0x10fff000, 2, EFI_CONVENTIONAL_MEMORY, 0, 0));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  emu_mem_add(m, 0x20000100, 1, EFI_CONVENTIONAL_MEMORY, 0, 0));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  emu_mem_add(m, 0x20000000, 0, EFI_CONVENTIONAL_MEMORY, 0, 0));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  emu_mem_add(m, ~0ULL & ~(PAGE - 1), 2,
			      EFI_CONVENTIONAL_MEMORY, 0, 0));
	EXPECT_EQ(5, m->count);
	EXPECT_TRUE(map_consistent(m));
}

TEST_F(mem, seed_merges_adjacent_identical_regions)
{
	struct emu_memory *m = &self->m;

	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(m, 0x11200000, 0x100, EFI_CONVENTIONAL_MEMORY,
			      EFI_MEMORY_WB, 0));
	EXPECT_EQ(5, m->count);
	EXPECT_EQ(0x200, m->map[4].pages);
}

TEST_F(mem, any_pages_top_down_and_split)
{
	struct emu_memory *m = &self->m;
	u64 key = m->key, addr = 0;

	ASSERT_EQ(EFI_SUCCESS, emu_allocate_pages(m, EFI_ALLOCATE_ANY_PAGES,
						  EFI_LOADER_DATA, 4, &addr));
	EXPECT_EQ(0x11200000 - 4 * PAGE, addr);
	EXPECT_NE(key, m->key);
	EXPECT_EQ(6, m->count);
	EXPECT_EQ(EFI_LOADER_DATA, m->map[5].type);
	EXPECT_EQ(EMU_REGION_OWNED, m->map[5].flags);
	EXPECT_TRUE(map_consistent(m));
}

TEST_F(mem, max_address_respected)
{
	struct emu_memory *m = &self->m;
	u64 addr = 0x10400000 - 1;

	ASSERT_EQ(EFI_SUCCESS, emu_allocate_pages(m, EFI_ALLOCATE_MAX_ADDRESS,
						  EFI_LOADER_CODE, 16, &addr));
	EXPECT_EQ(0x10400000 - 16 * PAGE, addr);

	/* Not page aligned: the last whole page below it counts. */
	addr = 0x10000000 + 3 * PAGE + 5;
	ASSERT_EQ(EFI_SUCCESS, emu_allocate_pages(m, EFI_ALLOCATE_MAX_ADDRESS,
						  EFI_LOADER_CODE, 3, &addr));
	EXPECT_EQ(0x10000000, addr);

	addr = 0x0fffffff;
	EXPECT_EQ(EFI_OUT_OF_RESOURCES,
		  emu_allocate_pages(m, EFI_ALLOCATE_MAX_ADDRESS,
				     EFI_LOADER_CODE, 1, &addr));
	EXPECT_TRUE(map_consistent(m));
}

TEST_F(mem, exact_address_honoured_or_refused)
{
	struct emu_memory *m = &self->m;
	u64 addr;

	addr = 0x10600000;
	ASSERT_EQ(EFI_SUCCESS,
		  emu_allocate_pages(m, EFI_ALLOCATE_ADDRESS, EFI_LOADER_DATA,
				     0x10, &addr));
	EXPECT_EQ(0x10600000, addr);
	/* The same range again is in use now. */
	EXPECT_EQ(EFI_NOT_FOUND, emu_allocate_pages(m, EFI_ALLOCATE_ADDRESS,
						    EFI_LOADER_DATA, 1, &addr));
	/* Misaligned, into the kexec segment, across a hole, outside RAM. */
	addr = 0x10000800;
	EXPECT_EQ(EFI_NOT_FOUND, emu_allocate_pages(m, EFI_ALLOCATE_ADDRESS,
						    EFI_LOADER_DATA, 1, &addr));
	addr = 0x103ff000;
	EXPECT_EQ(EFI_NOT_FOUND, emu_allocate_pages(m, EFI_ALLOCATE_ADDRESS,
						    EFI_LOADER_DATA, 2, &addr));
	addr = 0x10fff000;
	EXPECT_EQ(EFI_NOT_FOUND, emu_allocate_pages(m, EFI_ALLOCATE_ADDRESS,
						    EFI_LOADER_DATA, 2, &addr));
	addr = 0x40000000;
	EXPECT_EQ(EFI_NOT_FOUND, emu_allocate_pages(m, EFI_ALLOCATE_ADDRESS,
						    EFI_LOADER_DATA, 1, &addr));
	EXPECT_TRUE(map_consistent(m));
}

TEST_F(mem, invalid_parameters)
{
	struct emu_memory *m = &self->m;
	u64 addr = 0;

	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  emu_allocate_pages(m, EFI_ALLOCATE_ANY_PAGES, EFI_LOADER_DATA,
				     1, NULL));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  emu_allocate_pages(m, EFI_MAX_ALLOCATE_TYPE, EFI_LOADER_DATA,
				     1, &addr));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  emu_allocate_pages(m, EFI_ALLOCATE_ANY_PAGES,
				     EFI_CONVENTIONAL_MEMORY, 1, &addr));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  emu_allocate_pages(m, EFI_ALLOCATE_ANY_PAGES,
				     EFI_PERSISTENT_MEMORY, 1, &addr));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  emu_allocate_pages(m, EFI_ALLOCATE_ANY_PAGES, 0x6fffffff, 1,
				     &addr));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  emu_allocate_pages(m, EFI_ALLOCATE_ANY_PAGES, EFI_LOADER_DATA,
				     0, &addr));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  emu_allocate_pages(m, EFI_ALLOCATE_ANY_PAGES, EFI_LOADER_DATA,
				     ~0ULL, &addr));
	/* OEM and OS-loader types are allowed. */
	EXPECT_EQ(EFI_SUCCESS, emu_allocate_pages(m, EFI_ALLOCATE_ANY_PAGES,
						  0x80000001, 1, &addr));
	EXPECT_EQ(6, m->count);
}

TEST_F(mem, exhaustion)
{
	struct emu_memory *m = &self->m;
	u64 addr, total = 0;

	/* 0x400 + 0xb00 + 0x100 free pages; the largest run is 0xb00. */
	addr = 0;
	EXPECT_EQ(EFI_OUT_OF_RESOURCES,
		  emu_allocate_pages(m, EFI_ALLOCATE_ANY_PAGES, EFI_LOADER_DATA,
				     0xb01, &addr));
	while (emu_allocate_pages(m, EFI_ALLOCATE_ANY_PAGES, EFI_LOADER_DATA,
				  0x80, &addr) == EFI_SUCCESS) {
		/* Never inside the kexec segment or the reserved hole. */
		ASSERT_FALSE(addr < 0x10500000 && addr + 0x80 * PAGE > 0x10400000);
		ASSERT_FALSE(addr < 0x11100000 && addr + 0x80 * PAGE > 0x11000000);
		total += 0x80;
	}
	EXPECT_EQ(0x1000, total);
	EXPECT_EQ(0, pages_of_type(m, EFI_CONVENTIONAL_MEMORY));
	EXPECT_EQ(EFI_OUT_OF_RESOURCES,
		  emu_allocate_pages(m, EFI_ALLOCATE_ANY_PAGES, EFI_LOADER_DATA,
				     1, &addr));
	EXPECT_TRUE(map_consistent(m));
}

TEST_F(mem, free_partial_and_merge_back)
{
	struct emu_memory *m = &self->m;
	u64 addr = 0x10000000, key;

	ASSERT_EQ(EFI_SUCCESS,
		  emu_allocate_pages(m, EFI_ALLOCATE_ADDRESS, EFI_LOADER_CODE,
				     0x40, &addr));
	/* Trim alignment slack at both ends, then free the middle. */
	key = m->key;
	ASSERT_EQ(EFI_SUCCESS, emu_free_pages(m, 0x10000000, 0x8));
	EXPECT_NE(key, m->key);
	ASSERT_EQ(EFI_SUCCESS, emu_free_pages(m, 0x10038000, 0x8));
	EXPECT_EQ(EFI_LOADER_CODE, m->map[1].type);
	EXPECT_EQ(0x10008000, m->map[1].start);
	EXPECT_EQ(0x30, m->map[1].pages);
	ASSERT_EQ(EFI_SUCCESS, emu_free_pages(m, 0x10010000, 0x10));
	EXPECT_TRUE(map_consistent(m));
	ASSERT_EQ(EFI_SUCCESS, emu_free_pages(m, 0x10008000, 0x8));
	ASSERT_EQ(EFI_SUCCESS, emu_free_pages(m, 0x10020000, 0x18));
	/* Back to the seeded map. */
	EXPECT_EQ(5, m->count);
	EXPECT_EQ(0x400, m->map[0].pages);
	EXPECT_TRUE(map_consistent(m));
}

TEST_F(mem, free_refuses_what_was_not_allocated)
{
	struct emu_memory *m = &self->m;
	u64 addr = 0x10100000;

	EXPECT_EQ(EFI_NOT_FOUND, emu_free_pages(m, 0x10400000, 1));
	EXPECT_EQ(EFI_NOT_FOUND, emu_free_pages(m, 0x11000000, 1));
	EXPECT_EQ(EFI_NOT_FOUND, emu_free_pages(m, 0x10000000, 1));
	EXPECT_EQ(EFI_NOT_FOUND, emu_free_pages(m, 0x50000000, 1));
	EXPECT_EQ(EFI_INVALID_PARAMETER, emu_free_pages(m, 0x10000010, 1));
	ASSERT_EQ(EFI_SUCCESS, emu_allocate_pages(m, EFI_ALLOCATE_ADDRESS,
						  EFI_LOADER_DATA, 2, &addr));
	/* Past the end of the allocation. */
	EXPECT_EQ(EFI_NOT_FOUND, emu_free_pages(m, 0x10101000, 2));
	ASSERT_EQ(EFI_SUCCESS, emu_free_pages(m, 0x10100000, 2));
	/* Double free. */
	EXPECT_EQ(EFI_NOT_FOUND, emu_free_pages(m, 0x10100000, 2));
	EXPECT_EQ(5, m->count);
}

TEST_F(mem, reserve_marks_in_use_memory)
{
	struct emu_memory *m = &self->m;
	u64 addr = 0x10100000;

	ASSERT_EQ(EFI_SUCCESS, emu_mem_reserve(m, 0x10100000, 0x10,
					       EFI_BOOT_SERVICES_DATA));
	EXPECT_EQ(EFI_BOOT_SERVICES_DATA, m->map[1].type);
	EXPECT_EQ(0, m->map[1].flags);
	/* Neither allocatable at that address nor freeable. */
	EXPECT_EQ(EFI_NOT_FOUND, emu_allocate_pages(m, EFI_ALLOCATE_ADDRESS,
						    EFI_LOADER_DATA, 1, &addr));
	EXPECT_EQ(EFI_NOT_FOUND, emu_free_pages(m, 0x10100000, 1));
	/* Only free conventional memory can be reserved. */
	EXPECT_EQ(EFI_NOT_FOUND, emu_mem_reserve(m, 0x10100000, 1,
						 EFI_BOOT_SERVICES_DATA));
	EXPECT_EQ(EFI_NOT_FOUND, emu_mem_reserve(m, 0x103ff000, 2,
						 EFI_BOOT_SERVICES_DATA));
	EXPECT_EQ(EFI_INVALID_PARAMETER, emu_mem_reserve(m, 0x10000800, 1,
							 EFI_LOADER_DATA));
	EXPECT_TRUE(map_consistent(m));
}

TEST_F(mem, map_full_fails_cleanly)
{
	struct emu_memory *m = &self->m;
	u64 addr, key;
	u32 i, count;

	/* Alternate types so nothing merges, until descriptors run out. */
	for (i = 0; ; i++) {
		addr = 0x10000000 + i * 2 * PAGE;
		if (emu_allocate_pages(m, EFI_ALLOCATE_ADDRESS,
				       i & 1 ? EFI_LOADER_DATA : EFI_LOADER_CODE,
				       1, &addr) != EFI_SUCCESS)
			break;
	}
	EXPECT_GE(m->count, m->max - 1);
	count = m->count;
	key = m->key;
	EXPECT_EQ(EFI_OUT_OF_RESOURCES,
		  emu_allocate_pages(m, EFI_ALLOCATE_ADDRESS, EFI_LOADER_DATA,
				     1, &addr));
	EXPECT_EQ(count, m->count);
	EXPECT_EQ(key, m->key);
	EXPECT_TRUE(map_consistent(m));
}

TEST_F(mem, get_memory_map)
{
	struct emu_memory *m = &self->m;
	unsigned long size = 0, key = 0, dsize = 0;
	efi_memory_desc_t *d;
	u32 ver = 0;
	u8 *buf;

	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  emu_get_memory_map(m, NULL, NULL, &key, &dsize, &ver));
	ASSERT_EQ(EFI_BUFFER_TOO_SMALL,
		  emu_get_memory_map(m, &size, NULL, &key, &dsize, &ver));
	EXPECT_EQ(5 * EMU_DESC_SIZE, size);
	EXPECT_EQ(EMU_DESC_SIZE, dsize);
	EXPECT_GT(dsize, sizeof(efi_memory_desc_t));
	size -= 1;
	ASSERT_EQ(EFI_BUFFER_TOO_SMALL,
		  emu_get_memory_map(m, &size, NULL, &key, &dsize, &ver));
	EXPECT_EQ(5 * EMU_DESC_SIZE, size);
	/* A big enough size with no buffer is the caller's error. */
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  emu_get_memory_map(m, &size, NULL, &key, &dsize, &ver));

	buf = malloc(size + 100);
	size += 100;
	ASSERT_EQ(EFI_SUCCESS,
		  emu_get_memory_map(m, &size, (void *)buf, &key, &dsize, &ver));
	EXPECT_EQ(5 * EMU_DESC_SIZE, size);
	EXPECT_EQ(m->key, key);
	EXPECT_EQ(EFI_MEMORY_DESCRIPTOR_VERSION, ver);
	d = (efi_memory_desc_t *)(buf + 1 * dsize);
	EXPECT_EQ(EFI_LOADER_DATA, d->type);
	EXPECT_EQ(0x10400000, d->phys_addr);
	EXPECT_EQ(0x100, d->num_pages);
	d = (efi_memory_desc_t *)(buf + 3 * dsize);
	EXPECT_EQ(EFI_RESERVED_TYPE, d->type);
	free(buf);
}

TEST(runtime_regions_keep_virtual_addresses)
{
	struct emu_region storage[8];
	efi_memory_desc_t *d;
	struct emu_memory m;
	unsigned long size = sizeof(storage) * 2, key, dsize;
	u8 buf[8 * EMU_DESC_SIZE];
	u32 ver;

	emu_mem_init(&m, storage, 8);
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&m, 0x40000000, 0x10, EFI_RUNTIME_SERVICES_CODE,
			      EFI_MEMORY_RUNTIME | EFI_MEMORY_WB,
			      0xffff000040000000ULL));
	/* Adjacent, same type, but virtually discontiguous: no merge. */
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&m, 0x40010000, 0x10, EFI_RUNTIME_SERVICES_CODE,
			      EFI_MEMORY_RUNTIME | EFI_MEMORY_WB,
			      0xffff000050000000ULL));
	EXPECT_EQ(2, m.count);
	size = sizeof(buf);
	ASSERT_EQ(EFI_SUCCESS, emu_get_memory_map(&m, &size, (void *)buf,
						  &key, &dsize, &ver));
	d = (efi_memory_desc_t *)(buf + dsize);
	EXPECT_EQ(0xffff000050000000ULL, d->virt_addr);
	EXPECT_EQ(EFI_NOT_FOUND, emu_free_pages(&m, 0x40000000, 1));
}

/*
 * GetMemoryMap() lists runtime memory last, the host's runtime regions in
 * the order they were added: a stub's SetVirtualAddressMap() layout packs
 * them in map order and must come out as the first boot's.
 */
TEST(runtime_regions_last_in_host_order)
{
	struct emu_region storage[8];
	efi_memory_desc_t *d;
	struct emu_memory m;
	unsigned long size, key, dsize;
	u8 buf[8 * EMU_DESC_SIZE];
	u64 a;
	u32 ver;

	emu_mem_init(&m, storage, 8);
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&m, 0x7f000000, 0x10, EFI_RUNTIME_SERVICES_CODE,
			      EFI_MEMORY_RUNTIME | EFI_MEMORY_WB, 0x20000000));
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&m, 0x40000000, 0x100, EFI_CONVENTIONAL_MEMORY,
			      EFI_MEMORY_WB, 0));
	/* MMIO after RAM, as AAVMF's map has it. */
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&m, 0x04000000, 0x10, EFI_MEMORY_MAPPED_IO,
			      EFI_MEMORY_RUNTIME | 1, 0x20010000));
	ASSERT_EQ(EFI_SUCCESS,
		  emu_allocate_pages(&m, EFI_ALLOCATE_ANY_PAGES,
				     EFI_RUNTIME_SERVICES_DATA, 0x10, &a));
	size = sizeof(buf);
	ASSERT_EQ(EFI_SUCCESS, emu_get_memory_map(&m, &size, (void *)buf,
						  &key, &dsize, &ver));
	ASSERT_EQ(4 * EMU_DESC_SIZE, size);
	d = (efi_memory_desc_t *)buf;
	EXPECT_EQ(0x40000000, d->phys_addr);
	EXPECT_EQ(EFI_CONVENTIONAL_MEMORY, d->type);
	d = (efi_memory_desc_t *)(buf + 1 * dsize);
	EXPECT_EQ(0x7f000000, d->phys_addr);
	d = (efi_memory_desc_t *)(buf + 2 * dsize);
	EXPECT_EQ(0x04000000, d->phys_addr);
	d = (efi_memory_desc_t *)(buf + 3 * dsize);
	EXPECT_EQ(a, d->phys_addr);
	EXPECT_EQ(EFI_RUNTIME_SERVICES_DATA, d->type);
}

/* Runtime allocations are reported with EFI_MEMORY_RUNTIME, as firmware. */
TEST(runtime_types_get_the_runtime_attribute)
{
	struct emu_region storage[8];
	struct emu_memory m;
	u64 a, b;

	emu_mem_init(&m, storage, 8);
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&m, 0x40000000, 0x100, EFI_CONVENTIONAL_MEMORY,
			      EFI_MEMORY_WB, 0));
	ASSERT_EQ(EFI_SUCCESS,
		  emu_allocate_pages(&m, EFI_ALLOCATE_ANY_PAGES,
				     EFI_RUNTIME_SERVICES_DATA, 0x10, &a));
	ASSERT_EQ(EFI_SUCCESS,
		  emu_allocate_pages(&m, EFI_ALLOCATE_ANY_PAGES,
				     EFI_BOOT_SERVICES_DATA, 0x10, &b));
	ASSERT_EQ(EFI_SUCCESS, emu_mem_reserve(&m, 0x40000000, 0x10,
					       EFI_RUNTIME_SERVICES_CODE));
	ASSERT_EQ(4, m.count);
	EXPECT_EQ(EFI_MEMORY_WB | EFI_MEMORY_RUNTIME, m.map[0].attr);
	EXPECT_EQ(EFI_MEMORY_WB, m.map[1].attr);
	EXPECT_EQ(EFI_MEMORY_WB, m.map[2].attr);
	EXPECT_EQ(EFI_RUNTIME_SERVICES_DATA, m.map[3].type);
	EXPECT_EQ(EFI_MEMORY_WB | EFI_MEMORY_RUNTIME, m.map[3].attr);
	/* Freed, it is plain memory again and merges back. */
	ASSERT_EQ(EFI_SUCCESS, emu_free_pages(&m, a, 0x10));
	ASSERT_EQ(EFI_SUCCESS, emu_free_pages(&m, b, 0x10));
	EXPECT_EQ(2, m.count);
	EXPECT_EQ(EFI_MEMORY_WB, m.map[1].attr);
}

/*
 * A page count larger than any region must fail before start + size is
 * computed: 0xffffffffc0000 pages are 2^64 - 1 GiB, so a 1 GiB region at
 * 1 GiB once "held" them at 3 GiB, outside RAM, and the map grew.
 */
TEST(huge_page_counts_fail_without_wrapping)
{
	static const u64 counts[] = { 0xffffffffc0000ULL, 0xfffffffffffffULL,
				      0xffffffffbffffULL, 0x40001 };
	struct emu_region storage[8];
	struct emu_memory m;
	u64 addr, key;
	unsigned int i;
	void *p;

	emu_mem_init(&m, storage, 8);
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&m, 0x40000000, 0x40000, EFI_CONVENTIONAL_MEMORY,
			      EFI_MEMORY_WB, 0));
	key = m.key;
	for (i = 0; i < EMU_ARRAY_SIZE(counts); i++) {
		addr = 0xdeadbeef000ULL;
		EXPECT_EQ(EFI_OUT_OF_RESOURCES,
			  emu_allocate_pages(&m, EFI_ALLOCATE_ANY_PAGES,
					     EFI_LOADER_DATA, counts[i], &addr)) {
			TH_LOG("%#llx pages: got %#llx",
			       (unsigned long long)counts[i],
			       (unsigned long long)addr);
		}
		addr = ~0ULL;
		EXPECT_EQ(EFI_OUT_OF_RESOURCES,
			  emu_allocate_pages(&m, EFI_ALLOCATE_MAX_ADDRESS,
					     EFI_LOADER_DATA, counts[i],
					     &addr));
		addr = 0x40000000;
		EXPECT_EQ(EFI_NOT_FOUND,
			  emu_allocate_pages(&m, EFI_ALLOCATE_ADDRESS,
					     EFI_LOADER_DATA, counts[i],
					     &addr));
		EXPECT_EQ(EFI_NOT_FOUND, emu_free_pages(&m, 0x40000000,
							counts[i]));
	}
	/* AllocatePool() reaches the same path. */
	EXPECT_NE(EFI_SUCCESS, emu_allocate_pool(&m, EFI_LOADER_DATA,
						 ~0UL - 0x2000, &p));
	EXPECT_NE(EFI_SUCCESS, emu_allocate_pool(&m, EFI_LOADER_DATA,
						 0xffffffffc0000000UL, &p));
	EXPECT_EQ(1, m.count);
	EXPECT_EQ(key, m.key);
	EXPECT_EQ(0x40000, m.map[0].pages);
}

/*
 * With the AArch64 granule, runtime and reserved allocations are 64 KiB
 * aligned and sized, in all three modes and in the pool, and go back in
 * whole granules; other types keep 4 KiB pages.
 */
TEST(runtime_allocations_in_64k_granules)
{
	static const u32 rt_types[] = { EFI_RUNTIME_SERVICES_CODE,
					EFI_RUNTIME_SERVICES_DATA,
					EFI_ACPI_MEMORY_NVS,
					EFI_RESERVED_TYPE };
	struct emu_region storage[16];
	struct emu_memory m;
	u64 a, b;
	unsigned int i;

	emu_mem_init(&m, storage, 16);
	m.rt_granule = 0x10000;
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&m, 0x40000000, 0x1000, EFI_CONVENTIONAL_MEMORY,
			      EFI_MEMORY_WB, 0));
	/* A loader page at the top leaves the top unaligned for what follows. */
	ASSERT_EQ(EFI_SUCCESS, emu_allocate_pages(&m, EFI_ALLOCATE_ANY_PAGES,
						  EFI_LOADER_DATA, 1, &b));
	EXPECT_EQ(0x40fff000, b);
	for (i = 0; i < EMU_ARRAY_SIZE(rt_types); i++) {
		ASSERT_EQ(EFI_SUCCESS,
			  emu_allocate_pages(&m, EFI_ALLOCATE_ANY_PAGES,
					     rt_types[i], 1, &a));
		EXPECT_EQ(0, a & 0xffff);
		EXPECT_EQ(16, pages_of_type(&m, rt_types[i]));
		/* Inside the granule: not an allocation's start. */
		EXPECT_EQ(EFI_INVALID_PARAMETER,
			  emu_free_pages(&m, a + PAGE, 1));
		EXPECT_EQ(EFI_SUCCESS, emu_free_pages(&m, a, 1));
		EXPECT_EQ(0, pages_of_type(&m, rt_types[i]));
	}
	a = 0x40001000;
	EXPECT_EQ(EFI_NOT_FOUND,
		  emu_allocate_pages(&m, EFI_ALLOCATE_ADDRESS,
				     EFI_RUNTIME_SERVICES_DATA, 1, &a));
	a = 0x40010000;
	ASSERT_EQ(EFI_SUCCESS,
		  emu_allocate_pages(&m, EFI_ALLOCATE_ADDRESS,
				     EFI_RUNTIME_SERVICES_DATA, 17, &a));
	EXPECT_EQ(32, pages_of_type(&m, EFI_RUNTIME_SERVICES_DATA));
	EXPECT_EQ(EFI_SUCCESS, emu_free_pages(&m, a, 17));
	a = 0x40ffffff;
	ASSERT_EQ(EFI_SUCCESS,
		  emu_allocate_pages(&m, EFI_ALLOCATE_MAX_ADDRESS,
				     EFI_RUNTIME_SERVICES_CODE, 2, &a));
	EXPECT_EQ(0x40fe0000, a);
	EXPECT_EQ(EFI_SUCCESS, emu_free_pages(&m, a, 2));
	/* Other types are not rounded. */
	ASSERT_EQ(EFI_SUCCESS,
		  emu_allocate_pages(&m, EFI_ALLOCATE_ANY_PAGES,
				     EFI_BOOT_SERVICES_DATA, 1, &a));
	EXPECT_EQ(b - PAGE, a);
	EXPECT_EQ(1, pages_of_type(&m, EFI_BOOT_SERVICES_DATA));
	EXPECT_TRUE(map_consistent(&m));
}

/* Specific-purpose and uncached conventional memory is never handed out. */
TEST(sp_and_uncached_memory_not_allocated)
{
	struct emu_region storage[8];
	struct emu_memory m;
	u64 a;

	emu_mem_init(&m, storage, 8);
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&m, 0x40000000, 0x10, EFI_CONVENTIONAL_MEMORY,
			      EFI_MEMORY_WB, 0));
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&m, 0x50000000, 0x10, EFI_CONVENTIONAL_MEMORY,
			      EFI_MEMORY_WB | EFI_MEMORY_SP, 0));
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&m, 0x60000000, 0x10, EFI_CONVENTIONAL_MEMORY,
			      0x1 /* UC */, 0));
	/* Top-down would take the highest region first. */
	ASSERT_EQ(EFI_SUCCESS, emu_allocate_pages(&m, EFI_ALLOCATE_ANY_PAGES,
						  EFI_LOADER_DATA, 1, &a));
	EXPECT_EQ(0x4000f000, a);
	a = 0x50000000;
	EXPECT_EQ(EFI_NOT_FOUND, emu_allocate_pages(&m, EFI_ALLOCATE_ADDRESS,
						    EFI_LOADER_DATA, 1, &a));
	a = 0x60000000;
	EXPECT_EQ(EFI_NOT_FOUND, emu_allocate_pages(&m, EFI_ALLOCATE_ADDRESS,
						    EFI_LOADER_DATA, 1, &a));
	EXPECT_EQ(EFI_OUT_OF_RESOURCES,
		  emu_allocate_pages(&m, EFI_ALLOCATE_ANY_PAGES,
				     EFI_LOADER_DATA, 0x10, &a));
}

/* emu_mem_keep() takes what is free of a range, whatever else is there. */
TEST(keep_takes_only_free_parts)
{
	struct emu_region storage[16];
	struct emu_memory m;
	u64 a;

	emu_mem_init(&m, storage, 16);
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&m, 0x40000000, 0x100, EFI_CONVENTIONAL_MEMORY,
			      EFI_MEMORY_WB, 0));
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&m, 0x40100000, 0x10, EFI_RESERVED_TYPE,
			      EFI_MEMORY_WB, 0));
	ASSERT_EQ(EFI_SUCCESS, emu_mem_reserve(&m, 0x40010000, 0x10,
					       EFI_BOOT_SERVICES_CODE));
	a = 0x40020000;
	ASSERT_EQ(EFI_SUCCESS, emu_allocate_pages(&m, EFI_ALLOCATE_ADDRESS,
						  EFI_LOADER_DATA, 0x10, &a));
	/* 0x4000f800..0x40101000: free, reserved, allocated, free, beyond. */
	ASSERT_EQ(EFI_SUCCESS, emu_mem_keep(&m, 0x4000f800, 0xf1800,
					    EFI_BOOT_SERVICES_DATA));
	EXPECT_EQ(EFI_BOOT_SERVICES_CODE, m.map[2].type);
	EXPECT_EQ(0x4000f000, m.map[1].start);
	EXPECT_EQ(EFI_BOOT_SERVICES_DATA, m.map[1].type);
	EXPECT_EQ(EFI_LOADER_DATA, m.map[3].type);
	EXPECT_EQ(EMU_REGION_OWNED, m.map[3].flags);
	EXPECT_EQ(EFI_BOOT_SERVICES_DATA, m.map[4].type);
	EXPECT_EQ(0x40030000, m.map[4].start);
	EXPECT_EQ(0xd0, m.map[4].pages);
	EXPECT_EQ(EFI_RESERVED_TYPE, m.map[5].type);
	/* Nothing free is left there; what was allocated stays freeable. */
	a = 0x40050000;
	EXPECT_EQ(EFI_NOT_FOUND, emu_allocate_pages(&m, EFI_ALLOCATE_ADDRESS,
						    EFI_LOADER_DATA, 1, &a));
	EXPECT_EQ(EFI_SUCCESS, emu_free_pages(&m, 0x40020000, 0x10));
	/* Outside the map and wrapping ranges. */
	EXPECT_EQ(EFI_SUCCESS, emu_mem_keep(&m, 0x80000000, 0x1000,
					    EFI_BOOT_SERVICES_DATA));
	EXPECT_EQ(EFI_INVALID_PARAMETER, emu_mem_keep(&m, ~0ULL - 0x100, 0x1000,
						      EFI_BOOT_SERVICES_DATA));
}

/* The blob's map, seeded as the emulator and the kernel's check do. */
struct test_blob {
	struct efi_emulator_param p;
	struct efi_emulator_memdesc map[3];
	struct efi_emulator_memdesc rsv;
};

static void blob_init(struct test_blob *b)
{
	memset(b, 0, sizeof(*b));
	b->p.memmap_offset = offsetof(struct test_blob, map);
	b->p.memmap_count = 3;
	b->p.reserved_offset = offsetof(struct test_blob, rsv);
	b->p.reserved_count = 1;
	b->map[0] = (struct efi_emulator_memdesc){ .type = EFI_CONVENTIONAL_MEMORY,
		.phys_addr = 0x40000000, .num_pages = 0x100,
		.attribute = EFI_MEMORY_WB };
	b->map[1] = (struct efi_emulator_memdesc){ .type = EFI_CONVENTIONAL_MEMORY,
		.phys_addr = 0x40100000, .num_pages = 0x100,
		.attribute = EFI_MEMORY_WB | EFI_MEMORY_SP };
	b->map[2] = (struct efi_emulator_memdesc){
		.type = EFI_RUNTIME_SERVICES_CODE, .phys_addr = 0x50000000,
		.num_pages = 0x10, .virt_addr = 0x20000000,
		.attribute = EFI_MEMORY_WB | EFI_MEMORY_RUNTIME };
	b->rsv = (struct efi_emulator_memdesc){
		.type = EFI_BOOT_SERVICES_DATA, .phys_addr = 0x40080000,
		.num_pages = 0x10 };
}

TEST(seed_from_blob)
{
	struct emu_region storage[EMU_MAX_REGIONS];
	struct emu_memory m;
	struct test_blob b;
	u32 bad = ~0U;

	blob_init(&b);
	emu_mem_init(&m, storage, EMU_MAX_REGIONS);
	ASSERT_EQ(EFI_SUCCESS, emu_seed_memory(&m, &b.p, &bad));
	EXPECT_EQ(5, m.count);
	EXPECT_EQ(EFI_BOOT_SERVICES_DATA, m.map[1].type);
	/* Overlapping descriptors: the second one is named. */
	blob_init(&b);
	b.map[2].phys_addr = 0x40180000;
	emu_mem_init(&m, storage, EMU_MAX_REGIONS);
	EXPECT_EQ(EFI_INVALID_PARAMETER, emu_seed_memory(&m, &b.p, &bad));
	EXPECT_EQ(2, bad);
	/* A segment across two regions of different attributes. */
	blob_init(&b);
	b.rsv.phys_addr = 0x400f8000;
	emu_mem_init(&m, storage, EMU_MAX_REGIONS);
	EXPECT_EQ(EFI_NOT_FOUND, emu_seed_memory(&m, &b.p, &bad));
	EXPECT_EQ(3, bad);
	/* More regions than the emulator holds. */
	blob_init(&b);
	emu_mem_init(&m, storage, 2);
	EXPECT_EQ(EFI_OUT_OF_RESOURCES, emu_seed_memory(&m, &b.p, &bad));
	EXPECT_EQ(2, bad);
}

/*
 * A runtime region at physical address 0 that the first boot mapped 1:1
 * has virtual address 0: the descriptor's flag, not the address, says it
 * is passed on (and so mapped while the payload runs).
 */
TEST(seed_runtime_region_at_zero)
{
	struct emu_region storage[EMU_MAX_REGIONS];
	struct emu_memory m;
	struct test_blob b;
	u32 bad = ~0U;

	blob_init(&b);
	b.map[2].phys_addr = 0;
	b.map[2].virt_addr = 0;
	b.map[2].flags = EFI_EMULATOR_MD_VIRT;
	emu_mem_init(&m, storage, EMU_MAX_REGIONS);
	ASSERT_EQ(EFI_SUCCESS, emu_seed_memory(&m, &b.p, &bad));
	ASSERT_EQ(0, m.map[0].start);
	EXPECT_EQ(EMU_REGION_VIRT, m.map[0].flags & EMU_REGION_VIRT);
	EXPECT_TRUE(emu_mem_readable(&m, 0, EFI_PAGE_SIZE));
	/* Not passed on (kdump, runtime withheld): no flag, not readable. */
	b.map[2].flags = 0;
	emu_mem_init(&m, storage, EMU_MAX_REGIONS);
	ASSERT_EQ(EFI_SUCCESS, emu_seed_memory(&m, &b.p, &bad));
	EXPECT_EQ(0, m.map[0].flags & EMU_REGION_VIRT);
	EXPECT_FALSE(emu_mem_readable(&m, 0, EFI_PAGE_SIZE));
}

/* Pool tests need real memory at the addresses in the map. */
FIXTURE(pool) {
	struct emu_region storage[32];
	struct emu_memory m;
	void *ram;
	size_t size;
};

FIXTURE_SETUP(pool)
{
	self->size = 4 * MB;
	self->ram = mmap(NULL, self->size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->ram);
	emu_mem_init(&self->m, self->storage, EMU_ARRAY_SIZE(self->storage));
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&self->m, emu_addr(self->ram), self->size / PAGE,
			      EFI_CONVENTIONAL_MEMORY, EFI_MEMORY_WB, 0));
}

FIXTURE_TEARDOWN(pool)
{
	munmap(self->ram, self->size);
}

TEST_F(pool, allocate_write_free)
{
	struct emu_memory *m = &self->m;
	void *a = NULL, *b = NULL, *c = NULL;

	ASSERT_EQ(EFI_SUCCESS, emu_allocate_pool(m, EFI_LOADER_DATA, 10, &a));
	ASSERT_EQ(EFI_SUCCESS, emu_allocate_pool(m, EFI_ACPI_RECLAIM_MEMORY,
						 PAGE, &b));
	ASSERT_EQ(EFI_SUCCESS, emu_allocate_pool(m, EFI_LOADER_DATA, 0, &c));
	EXPECT_EQ(0, emu_addr(a) & 15);
	EXPECT_EQ(0, emu_addr(b) & 15);
	memset(a, 1, 10);
	memset(b, 2, PAGE);
	EXPECT_EQ(2 * PAGE, pages_of_type(m, EFI_ACPI_RECLAIM_MEMORY) * PAGE);
	EXPECT_EQ(EFI_SUCCESS, emu_free_pool(m, b));
	EXPECT_EQ(0, pages_of_type(m, EFI_ACPI_RECLAIM_MEMORY));
	EXPECT_EQ(EFI_SUCCESS, emu_free_pool(m, a));
	EXPECT_EQ(EFI_SUCCESS, emu_free_pool(m, c));
	EXPECT_EQ(1, m->count);
}

TEST_F(pool, free_refuses_bad_pointers_and_double_free)
{
	struct emu_memory *m = &self->m;
	void *a = NULL;
	u64 page;

	EXPECT_EQ(EFI_INVALID_PARAMETER, emu_free_pool(m, NULL));
	ASSERT_EQ(EFI_SUCCESS, emu_allocate_pool(m, EFI_LOADER_DATA, 64, &a));
	EXPECT_EQ(EFI_INVALID_PARAMETER, emu_free_pool(m, (u8 *)a + 16));
	/* A pointer into free memory: the header is never read. */
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  emu_free_pool(m, (u8 *)self->ram + 32));
	/* Pages from AllocatePages are not pool. */
	ASSERT_EQ(EFI_SUCCESS, emu_allocate_pages(m, EFI_ALLOCATE_ANY_PAGES,
						  EFI_LOADER_DATA, 1, &page));
	EXPECT_EQ(EFI_INVALID_PARAMETER, emu_free_pool(m, emu_ptr(page + 32)));
	ASSERT_EQ(EFI_SUCCESS, emu_free_pool(m, a));
	EXPECT_EQ(EFI_INVALID_PARAMETER, emu_free_pool(m, a));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  emu_allocate_pool(m, EFI_LOADER_DATA, 1, NULL));
}

/* A pool buffer of a runtime type takes a whole granule, and gives it back. */
TEST_F(pool, runtime_pool_in_granules)
{
	struct emu_memory *m = &self->m;
	void *p;

	m->rt_granule = 0x10000;
	ASSERT_EQ(EFI_SUCCESS, emu_allocate_pool(m, EFI_RUNTIME_SERVICES_DATA,
						 100, &p));
	EXPECT_EQ(32, emu_addr(p) & 0xffff);	/* behind the pool header */
	EXPECT_EQ(16, pages_of_type(m, EFI_RUNTIME_SERVICES_DATA));
	EXPECT_EQ(EFI_SUCCESS, emu_free_pool(m, p));
	EXPECT_EQ(0, pages_of_type(m, EFI_RUNTIME_SERVICES_DATA));
	EXPECT_EQ(1, m->count);
}

TEST_F(pool, exhaustion)
{
	struct emu_memory *m = &self->m;
	void *p;
	int n = 0;

	EXPECT_EQ(EFI_OUT_OF_RESOURCES,
		  emu_allocate_pool(m, EFI_LOADER_DATA, 4 * MB, &p));
	EXPECT_EQ(EFI_OUT_OF_RESOURCES,
		  emu_allocate_pool(m, EFI_LOADER_DATA, ~0UL, &p));
	while (emu_allocate_pool(m, EFI_LOADER_DATA, 100, &p) == EFI_SUCCESS)
		n++;
	EXPECT_EQ(4 * MB / PAGE, n);
}

static u64 count_zero(const u8 *v, u32 n)
{
	u64 z = 0;

	while (n--)
		z += !v[n];
	return z;
}

/*
 * Random allocate/free against a model that tracks each page's owner:
 * after every step the map must be consistent and agree with the model.
 */
TEST(random_against_model)
{
	enum { NPAGES = 512, OPS = 20000 };
	struct emu_region storage[NPAGES + 4];
	static u8 model[NPAGES];	/* 0 free, else 1 + index in live[] */
	struct { u64 addr, pages; } live[NPAGES];
	struct emu_memory m;
	const u64 base = 0x80000000;
	u32 i, nlive = 0, op;

	srand(1);
	emu_mem_init(&m, storage, EMU_ARRAY_SIZE(storage));
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&m, base, NPAGES, EFI_CONVENTIONAL_MEMORY,
			      EFI_MEMORY_WB, 0));
	memset(model, 0, sizeof(model));

	for (op = 0; op < OPS; op++) {
		if (nlive && rand() % 2) {
			u32 k = rand() % nlive;
			u64 p = (live[k].addr - base) / PAGE;

			ASSERT_EQ(EFI_SUCCESS, emu_free_pages(&m, live[k].addr,
							      live[k].pages));
			memset(&model[p], 0, live[k].pages);
			live[k] = live[--nlive];
		} else {
			u64 want = 1 + rand() % 16, addr = 0;
			int mode = rand() % 3;
			efi_status_t st;

			if (mode == EFI_ALLOCATE_ADDRESS)
				addr = base + (rand() % NPAGES) * PAGE;
			else if (mode == EFI_ALLOCATE_MAX_ADDRESS)
				addr = base + (rand() % NPAGES) * PAGE + PAGE - 1;
			st = emu_allocate_pages(&m, mode, 1 + rand() % 6, want,
						&addr);
			if (st == EFI_SUCCESS) {
				u64 p = (addr - base) / PAGE;

				ASSERT_LE(p + want, NPAGES);
				for (i = 0; i < want; i++)
					ASSERT_EQ(0, model[p + i]);
				memset(&model[p], 1, want);
				live[nlive].addr = addr;
				live[nlive++].pages = want;
			}
		}
		ASSERT_TRUE(map_consistent(&m));
		/* Free pages in the map == free pages in the model. */
		ASSERT_EQ(count_zero(model, NPAGES),
			  pages_of_type(&m, EFI_CONVENTIONAL_MEMORY));
	}
}

TEST_HARNESS_MAIN
