/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the arm64 C code of the emulator needs from head.S, the linker
 * script and reloc.c.
 */
#ifndef __EFI_EMULATOR_ARM64_H
#define __EFI_EMULATOR_ARM64_H

#include <linux/types.h>
#include "../efi_types.h"

struct efi_emulator_param;

/* head.S */
void emu_arm64_mmu_on(u64 mair, u64 tcr, u64 ttbr0, u64 sctlr);
void emu_arm64_dcache_inval(u64 start, u64 end);
void emu_arm64_sync_code(u64 start, u64 end);
unsigned long emu_arm64_psci(u64 fn, u64 conduit);
long emu_arm64_trng(u64 bits, u64 conduit, u64 *out);
void emu_arm64_pt_replace(u64 *entry, u64 desc);
void emu_arm64_tlb_flush(void);

/* mmu.c */
void emu_arm64_mmu_init(u64 ttbr0, u32 el);
efi_status_t emu_arm64_set_attrs(u64 base, u64 size, u64 set, u64 clear);
efi_status_t emu_arm64_get_attrs(u64 base, u64 size, u64 *attrs);
void emu_arm64_show_map(const char *what, u64 va);

/* Called from head.S */
void emu_arm64_main(struct efi_emulator_param *p, u64 e2h_stuck);
void emu_arm64_exception(u64 esr, u64 elr, u64 far, u64 idx);
void __noreturn
emu_arm64_call_on_stack(u64 sp, void (*fn)(const struct efi_emulator_param *p),
			const struct efi_emulator_param *p);

#endif /* __EFI_EMULATOR_ARM64_H */
