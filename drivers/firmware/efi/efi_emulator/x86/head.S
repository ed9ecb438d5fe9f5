/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry of the EFI emulator on x86_64, and what only assembly can do:
 * load descriptor tables and segments, switch stacks, take exceptions.
 *
 * Entered from the kexec purgatory's entry64 with %rdi = parameter blob,
 * in 64-bit mode on the identity map relocate_kernel built, interrupts
 * off, on the purgatory's GDT and stack.  The C code (main.c) builds the
 * emulator's own GDT, TSS and IDT and switches to the page tables the
 * kernel wrote for it before it touches any memory but its own image and
 * the blob.
 */
#include <linux/linkage.h>

	.section .text.head, "ax"
	.code64
SYM_CODE_START(emu_head)
	jmp	emu_entry			/* efi_emulator_header.branch */
	.org	emu_head + 4
	.long	__text_end - emu_head		/* text_size */
	.quad	0x41454d554c494645		/* EFI_EMULATOR_IMAGE_MAGIC */
	.quad	_end - emu_head			/* mem_size */
	.quad	__rodata_end - emu_head		/* data_offset */
SYM_CODE_END(emu_head)

/* In the same section, so that the branch above is a short jump. */
SYM_CODE_START_LOCAL(emu_entry)
	cli
	cld
	movq	%rdi, %r12			/* %r12: parameter blob */
	leaq	emu_stack_top(%rip), %rsp
	leaq	emu_head(%rip), %rdi
	call	emu_relocate			/* nothing absolute before this */
	movq	%r12, %rdi
	call	emu_x86_main			/* does not return */
1:	hlt
	jmp	1b
SYM_CODE_END(emu_entry)

	.text

/*
 * void emu_x86_load_segments(const void *gdtr, const void *idtr, u16 cs,
 *			      u16 ds, u16 tr)
 */
SYM_FUNC_START(emu_x86_load_segments)
	lgdt	(%rdi)
	lidt	(%rsi)
	movl	%ecx, %ds
	movl	%ecx, %es
	movl	%ecx, %ss
	movl	%ecx, %fs
	movl	%ecx, %gs
	ltr	%r8w
	popq	%rax				/* return address */
	pushq	%rdx
	pushq	%rax
	lretq
SYM_FUNC_END(emu_x86_load_segments)

/*
 * void emu_x86_call_on_stack(u64 sp, void (*fn)(const void *), const void *arg):
 * continue in fn(arg) on another stack; nothing returns to the old one.
 */
SYM_FUNC_START(emu_x86_call_on_stack)
	movq	%rdi, %rsp
	movq	%rdx, %rdi
	xorl	%ebp, %ebp
	pushq	$0				/* no return: aligned as by a call */
	jmp	*%rsi
SYM_FUNC_END(emu_x86_call_on_stack)

/* A null IDT: the next exception shuts the CPU down, which resets it. */
SYM_FUNC_START(emu_x86_triple_fault)
	pushq	$0
	pushq	$0
	lidt	6(%rsp)
	int3
1:	hlt
	jmp	1b
SYM_FUNC_END(emu_x86_triple_fault)

/*
 * Exceptions 0-31.  Each is fatal but the NMI, which returns: report the
 * vector, error code, RIP, CR2 and stack pointer and reset.  Every gate
 * uses IST1, a stack of its own, so a stack overflow still gets here.
 * Vectors that push no error code push 0 in its place.
 */
#define HAS_ERROR(v)	((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
			 (v) == 21 || (v) == 29 || (v) == 30)

	.balign	16
SYM_CODE_START(emu_x86_vectors)
	vector = 0
	.rept	32
	.balign	16
	.if	vector == 2
	iretq
	.else
	.if	HAS_ERROR(vector) == 0
	pushq	$0
	.endif
	pushq	$vector
	jmp	emu_x86_fault
	.endif
	vector = vector + 1
	.endr
SYM_CODE_END(emu_x86_vectors)

SYM_CODE_START_LOCAL(emu_x86_fault)
	movq	(%rsp), %rdi			/* vector */
	movq	8(%rsp), %rsi			/* error code */
	movq	16(%rsp), %rdx			/* RIP */
	movq	%cr2, %rcx
	movq	40(%rsp), %r8			/* RSP */
	andq	$-16, %rsp
	call	emu_x86_exception		/* does not return */
1:	hlt
	jmp	1b
SYM_CODE_END(emu_x86_fault)

/* The boot stack: until main() has a map to take the real one from. */
	.section .bss.stack, "aw", @nobits
	.balign	16
SYM_DATA_START_LOCAL(emu_stack)
	.space	16384
SYM_DATA_END_LABEL(emu_stack, SYM_L_LOCAL, emu_stack_top)
