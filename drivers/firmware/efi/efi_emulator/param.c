// SPDX-License-Identifier: GPL-2.0
/*
 * The memory map of the parameter blob, read into the emulator's state.
 * Every architecture's entry seeds its map here, and the kernel runs the
 * same code on the blob it built (kernel/kexec_pe_check.c): a map the
 * emulator would refuse after kexec -e, when all it can do is print and
 * reset, is refused by kexec_file_load() instead.  Overlapping or
 * malformed descriptors, more regions than the emulator holds, a segment
 * that is not in one free region (straddling two descriptors with
 * different attributes, say) all fail here.
 */
#include <linux/efi_emulator.h>
#include "emulator.h"

static const struct efi_emulator_memdesc *
blob_descs(const struct efi_emulator_param *p, u32 offset)
{
	return (const void *)((const u8 *)p + offset);
}

/**
 * emu_seed_memory() - build the memory map the blob describes
 * @m:		memory map, empty (emu_mem_init()), EMU_MAX_REGIONS long
 * @p:		the parameter blob
 * @bad:	out: which descriptor failed: the index into the map, or
 *		p->memmap_count plus the index into the reserved ranges
 *
 * The map's descriptors are added in order (runtime regions keep that
 * order in GetMemoryMap()), then the ranges already in use are reserved
 * inside its free memory.
 *
 * Return: EFI_SUCCESS, or the status of the first descriptor refused.
 */
efi_status_t emu_seed_memory(struct emu_memory *m,
			     const struct efi_emulator_param *p, u32 *bad)
{
	const struct efi_emulator_memdesc *d = blob_descs(p, p->memmap_offset);
	efi_status_t status;
	u32 i;

	for (i = 0; i < p->memmap_count; i++) {
		status = (d[i].flags & EFI_EMULATOR_MD_VIRT ?
			  emu_mem_add_virt : emu_mem_add)(m, d[i].phys_addr,
				d[i].num_pages, d[i].type, d[i].attribute,
				d[i].virt_addr);
		if (status != EFI_SUCCESS) {
			*bad = i;
			return status;
		}
	}
	d = blob_descs(p, p->reserved_offset);
	for (i = 0; i < p->reserved_count; i++) {
		status = emu_mem_reserve(m, d[i].phys_addr, d[i].num_pages,
					 d[i].type);
		if (status != EFI_SUCCESS) {
			*bad = p->memmap_count + i;
			return status;
		}
	}
	return EFI_SUCCESS;
}
