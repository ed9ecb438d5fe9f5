// SPDX-License-Identifier: GPL-2.0
/*
 * Page permissions on the kernel's identity map, for memattr.c.
 *
 * The kernel builds the map (arch/arm64/kernel/kexec_pe.c): RAM and
 * devices non-executable, the emulator's own text read-only and
 * executable, its data and stack non-executable, all of the emulator in
 * 4 KiB pages.  Here permissions change on whole blocks and pages in
 * place, which needs no break-before-make, and a block only partly
 * covered is split first into a table of the next level, allocated from
 * boot services memory.  Replacing the block with that table is the one
 * change that must go through an invalid entry; it is done with the MMU
 * off (head.S), so it holds even when the block maps the table being
 * written.  The emulator runs on one CPU with interrupts masked.
 *
 * Descriptors are in the format of the exception level the emulator runs
 * at: at EL1 PXN and UXN, at EL2 (E2H = 0) one XN bit; AP[2] is read-only,
 * and a clear access flag stands for EFI_MEMORY_RP (every access faults).
 */
#include <linux/bits.h>
#include "../emulator.h"
#include "arm64.h"

#define PTE_VALID		BIT_ULL(0)
#define PTE_NEXT		BIT_ULL(1)	/* table, or page at level 3 */
#define PTE_RDONLY		BIT_ULL(7)	/* AP[2] */
#define PTE_AF			BIT_ULL(10)
#define PTE_PXN			BIT_ULL(53)
#define PTE_UXN			BIT_ULL(54)	/* XN at EL2 */
#define PTE_ADDR		GENMASK_ULL(47, 12)
#define PT_ENTRIES		512

static u64 *root;
static u64 xn_set;	/* EL1: PXN | UXN; EL2: XN */
static u64 xn_bit;	/* what makes a page non-executable for us */

/**
 * emu_arm64_mmu_init() - take over the kernel's identity map
 * @ttbr0:	its root table
 * @el:		the exception level it is for
 */
void emu_arm64_mmu_init(u64 ttbr0, u32 el)
{
	root = emu_ptr(ttbr0 & PTE_ADDR);
	xn_bit = el == 2 ? PTE_UXN : PTE_PXN;
	xn_set = el == 2 ? PTE_UXN : PTE_PXN | PTE_UXN;
}

static u64 level_shift(int level)
{
	return 39 - 9 * level;
}

/* The permission bits to set and clear for EFI set/clear masks. */
static void to_bits(u64 set, u64 clear, u64 *bset, u64 *bclear)
{
	*bset = 0;
	*bclear = 0;
	if (set & EFI_MEMORY_RO)
		*bset |= PTE_RDONLY;
	if (set & EFI_MEMORY_XP)
		*bset |= xn_set;
	if (set & EFI_MEMORY_RP)
		*bclear |= PTE_AF;
	if (clear & EFI_MEMORY_RO)
		*bclear |= PTE_RDONLY;
	/* Never executable at EL0 (UXN stays). */
	if (clear & EFI_MEMORY_XP)
		*bclear |= xn_bit;
	if (clear & EFI_MEMORY_RP)
		*bset |= PTE_AF;
}

static u64 to_attrs(u64 desc)
{
	return (desc & PTE_RDONLY ? EFI_MEMORY_RO : 0) |
	       (desc & xn_bit ? EFI_MEMORY_XP : 0) |
	       (desc & PTE_AF ? 0 : EFI_MEMORY_RP);
}

/* Replace block @e at @level by a table mapping the same, page by page. */
static efi_status_t split(u64 *e, int level)
{
	u64 child = 1ULL << level_shift(level + 1), pa, attrs, *t;
	efi_status_t status;
	u64 addr;
	int i;

	status = emu_allocate_pages(&emu->mem, EFI_ALLOCATE_ANY_PAGES,
				    EFI_BOOT_SERVICES_DATA, 1, &addr);
	if (status != EFI_SUCCESS)
		return status;
	t = emu_ptr(addr);
	pa = *e & PTE_ADDR & ~((1ULL << level_shift(level)) - 1);
	attrs = *e & ~PTE_ADDR & ~(PTE_VALID | PTE_NEXT);
	for (i = 0; i < PT_ENTRIES; i++)
		t[i] = (pa + i * child) | attrs | PTE_VALID |
		       (level + 1 == 3 ? PTE_NEXT : 0);
	emu_arm64_pt_replace(e, addr | PTE_NEXT | PTE_VALID);
	return EFI_SUCCESS;
}

static efi_status_t update(u64 *table, int level, u64 va, u64 end, u64 bset,
			   u64 bclear)
{
	u64 span = 1ULL << level_shift(level), next;
	efi_status_t status;
	u64 *e;

	for (; va < end; va = next) {
		next = (va & ~(span - 1)) + span;
		if (next > end || next < va)
			next = end;
		e = &table[(va >> level_shift(level)) & (PT_ENTRIES - 1)];
		if (!(*e & PTE_VALID))
			return EFI_NO_MAPPING;
		if (level < 3 && !(*e & PTE_NEXT)) {
			if (level == 0)
				return EFI_NO_MAPPING;
			if (next - va < span) {
				status = split(e, level);
				if (status != EFI_SUCCESS)
					return status;
			}
		}
		if (level < 3 && *e & PTE_NEXT) {
			status = update(emu_ptr(*e & PTE_ADDR), level + 1, va,
					next, bset, bclear);
			if (status != EFI_SUCCESS)
				return status;
			continue;
		}
		*e = (*e & ~bclear) | bset;
	}
	return EFI_SUCCESS;
}

/* The descriptor mapping @va, and the end of what it maps; 0 if none. */
static u64 lookup(u64 va, u64 *end)
{
	u64 *table = root, e = 0;
	int level;

	for (level = 0; level <= 3; level++) {
		e = table[(va >> level_shift(level)) & (PT_ENTRIES - 1)];
		if (!(e & PTE_VALID))
			return 0;
		if (level == 3 || !(e & PTE_NEXT))
			break;
		table = emu_ptr(e & PTE_ADDR);
	}
	if (level == 0)
		return 0;
	*end = (va & ~((1ULL << level_shift(level)) - 1)) +
	       (1ULL << level_shift(level));
	return e;
}

/**
 * emu_arm64_set_attrs() - implements the platform's set_attrs()
 * @base:	page aligned
 * @size:	page aligned, not zero
 * @set:	EFI_MEMORY_RP, _RO, _XP to set
 * @clear:	and to clear
 *
 * Return: EFI_SUCCESS, EFI_NO_MAPPING when part of the range is not
 * mapped (nothing after it changed), EFI_OUT_OF_RESOURCES.
 */
efi_status_t emu_arm64_set_attrs(u64 base, u64 size, u64 set, u64 clear)
{
	efi_status_t status;
	u64 bset, bclear;

	to_bits(set, clear, &bset, &bclear);
	status = update(root, 0, base, base + size, bset, bclear);
	emu_arm64_tlb_flush();
	return status;
}

/**
 * emu_arm64_get_attrs() - implements the platform's get_attrs()
 * @base:	page aligned
 * @size:	page aligned, not zero
 * @attrs:	out: EFI_MEMORY_RP, _RO, _XP of every page of the range
 *
 * Return: EFI_SUCCESS, or EFI_NO_MAPPING when part of the range is not
 * mapped or the pages differ.
 */
efi_status_t emu_arm64_get_attrs(u64 base, u64 size, u64 *attrs)
{
	u64 va = base, end, e, a, first = 0;

	while (va < base + size) {
		e = lookup(va, &end);
		if (!e)
			return EFI_NO_MAPPING;
		a = to_attrs(e);
		if (va != base && a != first)
			return EFI_NO_MAPPING;
		first = a;
		va = end;
	}
	*attrs = first;
	return EFI_SUCCESS;
}

/**
 * emu_arm64_show_map() - print how one page is mapped
 * @what:	a name for it
 * @va:		an address in it
 */
void emu_arm64_show_map(const char *what, u64 va)
{
	u64 end, e = lookup(va, &end);

	if (!e) {
		emu_printf("efi-emu: map: %s unmapped\n", what);
		return;
	}
	emu_printf("efi-emu: map: %s %c%c%c%s\n", what, e & PTE_AF ? 'r' : '-',
		   e & PTE_RDONLY ? '-' : 'w', e & xn_bit ? '-' : 'x',
		   (e >> 2 & 7) == 0 ? " device" : "");
}
