// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 platform of the EFI emulator: what runs between kexec -e and
 * the generic core (start.c).  It checks the exception level, turns the
 * MMU and caches on with the kernel's identity map and the register values
 * of the blob's arm64 part, and supplies the platform hooks: the earlycon
 * UART the running system used, the generic timer for Stall(), RNDR or
 * the SMCCC TRNG for EFI_RNG_PROTOCOL, cache maintenance for loaded code,
 * page permissions (mmu.c), and PSCI SYSTEM_RESET for every way this can
 * fail.  Nothing may return from here: a failure is reported on the
 * console and the machine reset.
 */
#include <linux/bits.h>
#include <linux/efi_emulator.h>
#include "../emulator.h"
#include "arm64.h"

#define PL011_DR		0x00
#define PL011_FR		0x18
#define PL011_FR_TXFF		BIT(5)
#define UART8250_THR		0
#define UART8250_LSR		5
#define UART8250_LSR_THRE	0x20

#define PSCI_0_2_FN_SYSTEM_RESET	0x84000009UL

static struct emulator state;
static struct efi_emulator_earlycon con;
static u32 psci_conduit;

/* MMIO: single accesses of the given width, never merged or elided. */
static u32 mmio_read(u64 addr, u32 width)
{
	u32 v;

	if (width == 4)
		asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	else
		asm volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static void mmio_write(u64 addr, u32 width, u32 v)
{
	if (width == 4)
		asm volatile("str %w0, [%1]" : : "r"(v), "r"(addr) : "memory");
	else
		asm volatile("strb %w0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

static u64 read_cntfrq(void);
static u64 read_cntvct(void);

/*
 * A transmitter that stays full this long is taken for dead (clock-gated,
 * powered down, or not the UART the tables named): the console goes
 * silent rather than hang kexec -e before the payload runs.  At 9600 baud
 * a character takes about 1 ms.
 */
#define CON_TIMEOUT_US	20000

static u64 uart8250_reg(u32 reg)
{
	return con.base + ((u64)reg << con.reg_shift);
}

static bool tx_ready(void)
{
	if (con.type == EFI_EMULATOR_CON_PL011)
		return !(mmio_read(con.base + PL011_FR, 4) & PL011_FR_TXFF);
	return mmio_read(uart8250_reg(UART8250_LSR), con.reg_width) &
	       UART8250_LSR_THRE;
}

static void con_putc(char c)
{
	u64 start, limit;

	if (con.type == EFI_EMULATOR_CON_NONE)
		return;
	if (!tx_ready()) {
		start = read_cntvct();
		limit = emu_us_to_ticks(read_cntfrq(), CON_TIMEOUT_US);
		while (!tx_ready())
			if (read_cntvct() - start > limit) {
				con.type = EFI_EMULATOR_CON_NONE;
				return;
			}
	}
	if (con.type == EFI_EMULATOR_CON_PL011)
		mmio_write(con.base + PL011_DR, 4, c);
	else
		mmio_write(uart8250_reg(UART8250_THR), con.reg_width, c);
}

static void con_write(const char *s, size_t len)
{
	for (; len; len--, s++) {
		if (*s == '\n')
			con_putc('\r');
		con_putc(*s);
	}
}

static u64 read_cntfrq(void)
{
	u64 v;

	asm volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

static u64 read_cntvct(void)
{
	u64 v;

	asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static void delay_us(unsigned long us)
{
	u64 start = read_cntvct(), ticks = emu_us_to_ticks(read_cntfrq(), us);

	while (read_cntvct() - start < ticks)
		;
}

/* FEAT_RNG: ID_AA64ISAR0_EL1.RNDR, bits 63:60, is 1 when RNDR exists. */
static bool have_rndr(void)
{
	u64 v;

	asm volatile("mrs %0, id_aa64isar0_el1" : "=r"(v));
	return (v >> 60) & 0xf;
}

/* RNDR (s3_3_c2_c4_0) sets PSTATE.Z when it has no number to give. */
static bool rndr(u64 *v)
{
	u64 ok;

	asm volatile("mrs %0, s3_3_c2_c4_0\n\tcset %1, ne"
		     : "=r"(*v), "=r"(ok) : : "cc");
	return ok;
}

/* EFI_RNG_PROTOCOL's source, if any: the CPU's RNDR, else the SMCCC TRNG. */
static enum { RNG_NONE, RNG_RNDR, RNG_TRNG } rng_source;

/* Up to 24 random bytes into v[]; how many, or 0 for none this time. */
static size_t next_random(u64 v[3])
{
	if (rng_source == RNG_RNDR)
		return rndr(&v[0]) ? sizeof(v[0]) : 0;
	/* TRNG_RND64 fills x3, x2, x1 in that order: all 192 bits asked. */
	return emu_arm64_trng(192, psci_conduit, v) >= 0 ? 3 * sizeof(v[0]) : 0;
}

/*
 * EFI_RNG_PROTOCOL's source: RNDR or the TRNG, retried a few times (RNDR
 * may fail now and then, the TRNG answer NO_ENTROPY); a run of failures
 * is a device error the caller sees (the stub then boots without a seed).
 */
static efi_status_t get_random(void *buf, size_t len)
{
	u8 *p = buf;
	size_t n, got = 0;
	int tries;
	u64 v[3];

	while (len) {
		for (tries = 0; tries < 16 && !(got = next_random(v)); tries++)
			;
		if (!got)
			return EFI_DEVICE_ERROR;
		n = len < got ? len : got;
		memcpy(p, v, n);
		p += n;
		len -= n;
	}
	memset(v, 0, sizeof(v));
	return EFI_SUCCESS;
}

static void sync_code(void *start, size_t len)
{
	emu_arm64_sync_code(emu_addr(start), emu_addr(start) + len);
}

static void __noreturn reset(void)
{
	if (psci_conduit != EFI_EMULATOR_CONDUIT_NONE)
		emu_arm64_psci(PSCI_0_2_FN_SYSTEM_RESET, psci_conduit);
	emu_printf("efi-emu: no PSCI conduit; halting\n");
	for (;;)
		asm volatile("wfi");
}

static const struct efi_emulator_param *param;
/* The inaccessible page below the stack (emu_alloc_stack()). */
static u64 stack_guard;

/*
 * ExitBootServices() succeeded: the payload owns the machine.  Say how
 * the pages it runs on are mapped now: its own entry, a page of the PE
 * file and of free RAM, the emulator's text and stack, the console.
 */
static void exit_boot_services(void)
{
	u32 i;
	u64 stack = emu_addr(&i); /* a page of the stack this runs on */

	/* With the one at entry: the share of the emulator and the stub. */
	emu_printf("efi-emu: cntvct=%llu at ExitBootServices()\n",
		   read_cntvct());
	if (emu->running)
		emu_arm64_show_map("payload entry", emu_addr(emu->running->entry));
	emu_arm64_show_map("PE file", param->pe_base);
	for (i = 0; i < emu->mem.count; i++)
		if (emu->mem.map[i].type == EFI_CONVENTIONAL_MEMORY) {
			emu_arm64_show_map("free RAM", emu->mem.map[i].start);
			break;
		}
	emu_arm64_show_map("emulator text", emu_addr(emu_head));
	emu_arm64_show_map("emulator stack", stack);
	emu_arm64_show_map("stack guard", stack_guard);
	if (con.type != EFI_EMULATOR_CON_NONE)
		emu_arm64_show_map("console", con.base);
}

/* get_random is filled in when there is a source (RNDR or the TRNG). */
static struct emu_platform_ops arm64_ops = {
	.write = con_write,
	.sync_code = sync_code,
	.delay_us = delay_us,
	.exit_boot_services = exit_boot_services,
	.set_attrs = emu_arm64_set_attrs,
	.get_attrs = emu_arm64_get_attrs,
	.reset = reset,
};

void emu_arm64_exception(u64 esr, u64 elr, u64 far, u64 idx)
{
	emu_printf("efi-emu: exception %llu: ESR 0x%llx ELR 0x%llx FAR 0x%llx\n",
		   idx, esr, elr, far);
	if (stack_guard && far - stack_guard < EFI_PAGE_SIZE)
		emu_printf("efi-emu: stack overflow: more than %u KiB used\n",
			   EMU_STACK_SIZE / 1024);
	reset();
}

static u64 current_el(void)
{
	u64 v;

	asm volatile("mrs %0, CurrentEL" : "=r"(v));
	return (v >> 2) & 3;
}

/**
 * emu_arm64_main() - run the payload described by the parameter blob
 * @p: the blob, as the kernel's PE loader wrote it
 * @e2h_stuck: entered at EL2 and HCR_EL2.E2H did not clear (head.S)
 */
void emu_arm64_main(struct efi_emulator_param *p, u64 e2h_stuck)
{
	const struct efi_emulator_arm64 *a = &p->arch.arm64;
	u64 entered = read_cntvct();

	if (!emu_param_valid(p))
		for (;;)
			asm volatile("wfi");
	con = p->con;
	param = p;
	psci_conduit = a->psci_conduit;
	if (have_rndr())
		rng_source = RNG_RNDR;
	else if (a->flags & EFI_EMULATOR_ARM64_F_TRNG &&
		 psci_conduit != EFI_EMULATOR_CONDUIT_NONE)
		rng_source = RNG_TRNG;
	if (rng_source != RNG_NONE)
		arm64_ops.get_random = get_random;
	emu_set_platform(&state, &arm64_ops);
	/* The page table and MMU values are for one exception level. */
	if (current_el() != a->entry_el) {
		emu_printf("efi-emu: entered at EL%llu, the kernel prepared EL%u\n",
			   current_el(), a->entry_el);
		emu_fatal("wrong exception level", EFI_UNSUPPORTED);
	}
	/* The kernel refuses such CPUs at load when they say so (MMFR4). */
	if (e2h_stuck)
		emu_fatal("HCR_EL2.E2H cannot be cleared on this CPU (no FEAT_E2H0)",
			  EFI_UNSUPPORTED);

	/*
	 * Written with the MMU off: drop any stale cache lines before the
	 * caches see these ranges again.
	 */
	emu_arm64_dcache_inval(emu_addr(emu_head), emu_addr(_end));
	emu_arm64_dcache_inval(emu_addr(p), emu_addr(p) + p->size);
	emu_arm64_dcache_inval(p->pt_base, p->pt_base + p->pt_size);
	emu_arm64_mmu_on(a->mair, a->tcr, a->ttbr0, a->sctlr);
	emu_arm64_mmu_init(a->ttbr0, a->entry_el);

	emu_printf("efi-emu: starting a %llu byte PE image at EL%u\n",
		   p->pe_size, a->entry_el);
	/* The virtual counter runs on from the kernel before (make bench). */
	emu_printf("efi-emu: cntvct=%llu at entry\n", entered);
	emu_printf("efi-emu: EFI_RNG_PROTOCOL %s\n",
		   rng_source == RNG_RNDR ? "from RNDR" :
		   rng_source == RNG_TRNG ? "from the SMCCC TRNG" :
		   "not offered: the CPU has no RNDR, the firmware no SMCCC TRNG");
	emu_start(p);
	/* UEFI asks for at least 128 KiB of stack on AArch64 (2.3.6.1). */
	emu_arm64_call_on_stack(emu_alloc_stack(EMU_STACK_SIZE, &stack_guard),
				emu_run, p);
}
