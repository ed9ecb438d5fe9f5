/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The EFI emulator, embedded in the kernel as data.  kernel/kexec_pe_image.c
 * copies it into a kexec segment; its header says how much memory it needs.
 */
#include <linux/linkage.h>

	.section .rodata, "a"
	.balign	4096
SYM_DATA_START(efi_emulator_blob)
	.incbin	"drivers/firmware/efi/efi_emulator/efi_emulator.bin"
SYM_DATA_END_LABEL(efi_emulator_blob, SYM_L_GLOBAL, efi_emulator_blob_end)
