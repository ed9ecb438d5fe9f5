// SPDX-License-Identifier: GPL-2.0
/*
 * Self-relocation of the emulator.  It is linked at 0 as a PIE; the link
 * step checks that every dynamic relocation is the architecture's
 * RELATIVE type, which says "the 64-bit word at offset O holds A, an
 * address relative to the link base".  Adding the load base to each makes
 * every pointer in the image valid where kexec put it.  Runs first, before
 * any pointer in data is used (on arm64 with the MMU off); code is
 * position independent and needs none.
 */
#include "emulator.h"

#if defined(__aarch64__)
#define EMU_R_RELATIVE		1027	/* R_AARCH64_RELATIVE */
#else
#define EMU_R_RELATIVE		8	/* R_X86_64_RELATIVE */
#endif

/**
 * emu_relocate() - apply the emulator's own relocations
 * @base: address the emulator was loaded at
 */
void emu_relocate(u64 base)
{
	const struct elf64_rela *r;

	for (r = __rela_start; r < __rela_end; r++)
		if ((u32)r->info == EMU_R_RELATIVE)
			*(u64 *)(base + r->offset) = base + r->addend;
}
