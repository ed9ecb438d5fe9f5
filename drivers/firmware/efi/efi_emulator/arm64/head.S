/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry of the EFI emulator on arm64, and the few things only assembly
 * can do: write system registers, maintain caches by address, call PSCI,
 * take exceptions.  Values are computed in C (by the kernel, for the MMU);
 * nothing here decides anything.
 *
 * Entered from arm64_relocate_new_kernel (or cpu_soft_restart for a crash
 * kernel) with x0 = parameter blob, MMU and D-cache off, at EL2 when the
 * kernel was booted at EL2 (as on most machines with UEFI), else at EL1.
 * At EL2 the emulator runs in the EL2 translation regime (HCR_EL2.E2H and
 * TGE clear, as firmware hands over), FP and SIMD not trapped.
 */
#include <linux/linkage.h>
#include <asm/assembler.h>

	.section .text.head, "ax"
SYM_CODE_START(emu_head)
	b	emu_entry			/* efi_emulator_header.branch */
	.long	__text_end - emu_head		/* text_size */
	.quad	0x41454d554c494645		/* EFI_EMULATOR_IMAGE_MAGIC */
	.quad	_end - emu_head			/* mem_size */
	.quad	__rodata_end - emu_head		/* data_offset */
SYM_CODE_END(emu_head)

	.text
#define CURRENTEL_EL2	(2 << 2)
#define HCR_EL2_RW	(1 << 31)
#define HCR_EL2_E2H_SHIFT 34
#define CPTR_EL2_RES1	0x32ff			/* no trap of FP, SIMD, SVE */

SYM_CODE_START_LOCAL(emu_entry)
	mov	x19, x0				/* x19: parameter blob */
	mov	x20, xzr			/* x20: E2H stuck at 1 */
	adr_l	x1, emu_stack_top
	mov	sp, x1
	adr_l	x1, emu_vectors
	mrs	x2, CurrentEL
	cmp	x2, #CURRENTEL_EL2
	b.eq	1f
	msr	vbar_el1, x1
	b	2f
1:	msr	vbar_el2, x1
	mov_q	x1, HCR_EL2_RW
	msr	hcr_el2, x1
	mov	x1, #CPTR_EL2_RES1
	msr	cptr_el2, x1
	isb
	/*
	 * Without FEAT_E2H0, HCR_EL2.E2H is RES1 (or RAO/WI on CPUs from
	 * before that relaxation): the write did not take, and the tables
	 * are in the wrong format.  Read it back; main() reports it.
	 */
	mrs	x1, hcr_el2
	ubfx	x20, x1, #HCR_EL2_E2H_SHIFT, #1
2:	isb
	adr_l	x0, emu_head
	bl	emu_relocate			/* nothing absolute before this */
	mov	x0, x19
	mov	x1, x20				/* 0 at EL1 (x20 is clear) */
	bl	emu_arm64_main			/* does not return */
1:	wfi
	b	1b
SYM_CODE_END(emu_entry)

/*
 * void emu_arm64_mmu_on(u64 mair, u64 tcr, u64 ttbr0, u64 sctlr): at the
 * current exception level, EL1 or EL2 (values in that level's format).
 */
SYM_FUNC_START(emu_arm64_mmu_on)
	mrs	x4, CurrentEL
	cmp	x4, #CURRENTEL_EL2
	b.eq	1f
	msr	mair_el1, x0
	msr	tcr_el1, x1
	msr	ttbr0_el1, x2
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	msr	sctlr_el1, x3
	b	2f
1:	msr	mair_el2, x0
	msr	tcr_el2, x1
	msr	ttbr0_el2, x2
	isb
	tlbi	alle2
	dsb	nsh
	isb
	msr	sctlr_el2, x3
2:	isb
	ic	iallu
	dsb	nsh
	isb
	ret
SYM_FUNC_END(emu_arm64_mmu_on)

/* void emu_arm64_dcache_inval(u64 start, u64 end): invalidate to PoC */
SYM_FUNC_START(emu_arm64_dcache_inval)
	raw_dcache_line_size x2, x3
	sub	x3, x2, #1
	bic	x0, x0, x3
1:	dc	ivac, x0
	add	x0, x0, x2
	cmp	x0, x1
	b.lo	1b
	dsb	sy
	ret
SYM_FUNC_END(emu_arm64_dcache_inval)

/* void emu_arm64_sync_code(u64 start, u64 end): D to PoU, then I */
SYM_FUNC_START(emu_arm64_sync_code)
	raw_dcache_line_size x2, x3
	sub	x3, x2, #1
	bic	x4, x0, x3
1:	dc	cvau, x4
	add	x4, x4, x2
	cmp	x4, x1
	b.lo	1b
	dsb	ish
	ic	iallu
	dsb	ish
	isb
	ret
SYM_FUNC_END(emu_arm64_sync_code)

/*
 * void emu_arm64_pt_replace(u64 *entry, u64 desc): write a live table
 * entry with the MMU off, so that nothing it maps is needed while it
 * changes (break-before-make without a window in which the code, stack
 * or tables doing it could be unmapped).  Leaf code: no stack, no memory
 * access but the one store, which goes to memory as the MMU is off; the
 * line is cleaned and invalidated before and invalidated after, so no
 * stale copy of it is left in the caches.
 */
SYM_FUNC_START(emu_arm64_pt_replace)
	dc	civac, x0
	dsb	sy
	mrs	x4, CurrentEL
	cmp	x4, #CURRENTEL_EL2
	b.eq	1f
	mrs	x2, sctlr_el1
	bic	x3, x2, #1			/* SCTLR_ELx.M */
	pre_disable_mmu_workaround
	msr	sctlr_el1, x3
	isb
	str	x1, [x0]
	dsb	sy
	msr	sctlr_el1, x2
	isb
	dc	ivac, x0
	dsb	sy
	tlbi	vmalle1
	b	2f
1:	mrs	x2, sctlr_el2
	bic	x3, x2, #1
	pre_disable_mmu_workaround
	msr	sctlr_el2, x3
	isb
	str	x1, [x0]
	dsb	sy
	msr	sctlr_el2, x2
	isb
	dc	ivac, x0
	dsb	sy
	tlbi	alle2
2:	dsb	sy
	isb
	ret
SYM_FUNC_END(emu_arm64_pt_replace)

/* void emu_arm64_tlb_flush(void): after changing permissions in place */
SYM_FUNC_START(emu_arm64_tlb_flush)
	dsb	ishst
	mrs	x4, CurrentEL
	cmp	x4, #CURRENTEL_EL2
	b.eq	1f
	tlbi	vmalle1
	b	2f
1:	tlbi	alle2
2:	dsb	sy
	isb
	ret
SYM_FUNC_END(emu_arm64_tlb_flush)

/*
 * void emu_arm64_call_on_stack(u64 sp, void (*fn)(const void *), const void *arg):
 * continue in fn(arg) on another stack; nothing returns to the old one.
 */
SYM_FUNC_START(emu_arm64_call_on_stack)
	mov	sp, x0
	mov	x0, x2
	mov	x29, xzr
	mov	x30, xzr
	br	x1
SYM_FUNC_END(emu_arm64_call_on_stack)

/* unsigned long emu_arm64_psci(u64 fn, u64 conduit): 1 hvc, 2 smc */
SYM_FUNC_START(emu_arm64_psci)
	cmp	x1, #2
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	b.eq	1f
	hvc	#0
	ret
1:	smc	#0
	ret
SYM_FUNC_END(emu_arm64_psci)

/*
 * long emu_arm64_trng(u64 bits, u64 conduit, u64 out[3]): SMCCC
 * TRNG_RND64 (0xc4000053) for up to 192 bits, x1..x3 stored to out[];
 * returns x0, negative on failure.  x4-x17 may be clobbered before SMCCC
 * 1.2, so out lives on the stack.
 */
SYM_FUNC_START(emu_arm64_trng)
	stp	x29, x30, [sp, #-32]!
	str	x2, [sp, #16]
	cmp	x1, #2
	mov	x1, x0
	movz	x0, #0x0053
	movk	x0, #0xc400, lsl #16
	mov	x2, xzr
	mov	x3, xzr
	b.eq	1f
	hvc	#0
	b	2f
1:	smc	#0
2:	ldr	x4, [sp, #16]
	stp	x1, x2, [x4]
	str	x3, [x4, #16]
	ldp	x29, x30, [sp], #32
	ret
SYM_FUNC_END(emu_arm64_trng)

/*
 * Any exception is fatal: report it and reset.  The stack may be what
 * failed (an overflow into its guard page), so each vector starts from
 * the boot stack, unused once main() has moved to the real one.
 */
	.macro	vector, idx
	.balign	0x80
	mov	x3, #\idx
	b	emu_exception
	.endm

SYM_CODE_START_LOCAL(emu_exception)
	adr_l	x4, emu_stack_top
	mov	sp, x4
	mrs	x4, CurrentEL
	cmp	x4, #CURRENTEL_EL2
	b.eq	1f
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	mrs	x2, far_el1
	b	emu_arm64_exception
1:	mrs	x0, esr_el2
	mrs	x1, elr_el2
	mrs	x2, far_el2
	b	emu_arm64_exception
SYM_CODE_END(emu_exception)

	.balign	2048
SYM_CODE_START_LOCAL(emu_vectors)
	.irp	i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	vector	\i
	.endr
SYM_CODE_END(emu_vectors)

/* The boot stack: until main() has a map to take the real one from. */
	.section .bss.stack, "aw", %nobits
	.balign	16
SYM_DATA_START_LOCAL(emu_stack)
	.space	16384
SYM_DATA_END_LABEL(emu_stack, SYM_L_LOCAL, emu_stack_top)
