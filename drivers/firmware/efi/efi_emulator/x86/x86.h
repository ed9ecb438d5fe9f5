/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the x86_64 C code of the emulator needs from head.S.
 */
#ifndef __EFI_EMULATOR_X86_H
#define __EFI_EMULATOR_X86_H

#include <linux/types.h>

struct efi_emulator_param;

/* The exception stubs: vector i at emu_x86_vectors + i * EMU_X86_STUB_SIZE. */
#define EMU_X86_VECTORS		32
#define EMU_X86_STUB_SIZE	16
extern const char emu_x86_vectors[];

/* head.S */
void emu_x86_load_segments(const void *gdtr, const void *idtr, u16 cs,
			   u16 ds, u16 tr);
void __noreturn
emu_x86_call_on_stack(u64 sp, void (*fn)(const struct efi_emulator_param *p),
		      const struct efi_emulator_param *p);
void __noreturn emu_x86_triple_fault(void);

/* Called from head.S */
void emu_x86_main(struct efi_emulator_param *p);
void emu_x86_exception(u64 vector, u64 error, u64 rip, u64 cr2, u64 rsp);

#endif /* __EFI_EMULATOR_X86_H */
