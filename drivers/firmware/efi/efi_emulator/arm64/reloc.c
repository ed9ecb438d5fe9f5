// SPDX-License-Identifier: GPL-2.0
/*
 * Self-relocation of the emulator.  It is linked at 0 as a PIE; the link
 * step checks that every dynamic relocation is R_AARCH64_RELATIVE, which
 * says "the 64-bit word at offset O holds A, an address relative to the
 * link base".  Adding the load base to each makes every pointer in the
 * image valid where kexec put it.  Runs with the MMU off, before any
 * pointer in data is used; code is position independent and needs none.
 */
#include "../emulator.h"
#include "arm64.h"

#define R_AARCH64_RELATIVE	1027

/**
 * emu_relocate() - apply the emulator's own relocations
 * @base: address the emulator was loaded at
 */
void emu_relocate(u64 base)
{
	const struct elf64_rela *r;

	for (r = __rela_start; r < __rela_end; r++)
		if ((u32)r->info == R_AARCH64_RELATIVE)
			*(u64 *)(base + r->offset) = base + r->addend;
}
