// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 platform of the EFI emulator: what runs between kexec -e and
 * the payload's entry point.  It turns the MMU and caches on with the
 * kernel's identity map, reads the parameter blob into the generic core,
 * and supplies the platform hooks: the earlycon UART the running system
 * used, the generic timer for Stall(), cache maintenance for loaded code,
 * page permissions (mmu.c), and PSCI SYSTEM_RESET for every way this can
 * fail.  Nothing may return
 * from here: a failure is reported on the console and the machine reset.
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
static struct emu_region regions[EMU_MAX_REGIONS];
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

static void pl011_putc(char c)
{
	while (mmio_read(con.base + PL011_FR, 4) & PL011_FR_TXFF)
		;
	mmio_write(con.base + PL011_DR, 4, c);
}

static u64 uart8250_reg(u32 reg)
{
	return con.base + ((u64)reg << con.reg_shift);
}

static void uart8250_putc(char c)
{
	while (!(mmio_read(uart8250_reg(UART8250_LSR), con.reg_width) &
		 UART8250_LSR_THRE))
		;
	mmio_write(uart8250_reg(UART8250_THR), con.reg_width, c);
}

static void con_putc(char c)
{
	if (con.type == EFI_EMULATOR_CON_PL011)
		pl011_putc(c);
	else if (con.type == EFI_EMULATOR_CON_8250)
		uart8250_putc(c);
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
	u64 start = read_cntvct(), ticks = read_cntfrq() / 1000000 * us;

	while (read_cntvct() - start < ticks)
		;
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

static void __noreturn fatal(const char *what, efi_status_t status)
{
	emu_printf("efi-emu: %s (status 0x%lx); resetting\n", what, status);
	reset();
}

static const struct efi_emulator_param *param;

/*
 * ExitBootServices() succeeded: the payload owns the machine.  Say how
 * the pages it runs on are mapped now: its own entry, a page of the PE
 * file and of free RAM, the emulator's text and stack, the console.
 */
static void exit_boot_services(struct emulator *e)
{
	u64 stack = emu_addr(&e);
	u32 i;

	if (e->running)
		emu_arm64_show_map("payload entry", emu_addr(e->running->entry));
	emu_arm64_show_map("PE file", param->pe_base);
	for (i = 0; i < e->mem.count; i++)
		if (e->mem.map[i].type == EFI_CONVENTIONAL_MEMORY) {
			emu_arm64_show_map("free RAM", e->mem.map[i].start);
			break;
		}
	emu_arm64_show_map("emulator text", emu_addr(emu_head));
	emu_arm64_show_map("emulator stack", stack);
	if (con.type != EFI_EMULATOR_CON_NONE)
		emu_arm64_show_map("console", con.base);
}

static const struct emu_platform_ops arm64_ops = {
	.write = con_write,
	.sync_code = sync_code,
	.delay_us = delay_us,
	.exit_boot_services = exit_boot_services,
	.set_attrs = emu_arm64_set_attrs,
	.get_attrs = emu_arm64_get_attrs,
};

void emu_arm64_exception(u64 esr, u64 elr, u64 far, u64 idx)
{
	emu_printf("efi-emu: exception %llu: ESR 0x%llx ELR 0x%llx FAR 0x%llx\n",
		   idx, esr, elr, far);
	reset();
}

static u64 current_el(void)
{
	u64 v;

	asm volatile("mrs %0, CurrentEL" : "=r"(v));
	return (v >> 2) & 3;
}

static void seed_memory_map(const struct efi_emulator_param *p)
{
	const struct efi_emulator_memdesc *d;
	efi_status_t status;
	bool reserved;
	u32 bad;

	emu_mem_init(&state.mem, regions, EMU_MAX_REGIONS);
	status = emu_seed_memory(&state.mem, p, &bad);
	if (status == EFI_SUCCESS)
		return;
	reserved = bad >= p->memmap_count;
	if (reserved)
		bad -= p->memmap_count;
	d = (const void *)((const u8 *)p + (reserved ? p->reserved_offset :
						       p->memmap_offset));
	emu_printf("efi-emu: %s %u: %llx+%llx pages\n",
		   reserved ? "reserved range" : "memory map entry", bad,
		   d[bad].phys_addr, d[bad].num_pages);
	fatal("bad memory map from the kernel", status);
}

/*
 * The memreserve list as it is now: what CPUs brought online since the
 * load added to it must stay out of what the payload gets.
 */
static void keep_memreserve(const struct efi_emulator_param *p)
{
	static const efi_guid_t guid = LINUX_EFI_MEMRESERVE_TABLE_GUID;
	const struct efi_emulator_table *t = (const void *)((const u8 *)p +
					     p->tables_offset);
	efi_status_t status;
	u32 i;

	for (i = 0; i < p->tables_count; i++) {
		if (memcmp(t[i].guid, &guid, sizeof(guid)))
			continue;
		status = emu_keep_memreserve(&state, t[i].addr);
		if (status != EFI_SUCCESS)
			fatal("cannot keep the memreserve list", status);
	}
}

static void install_tables(const struct efi_emulator_param *p)
{
	static const efi_guid_t dtb_guid = DEVICE_TREE_GUID;
	const struct efi_emulator_table *t = (const void *)((const u8 *)p +
					     p->tables_offset);
	efi_guid_t guid;
	u32 i;

	if (p->dtb_base)
		emu_install_configuration_table((efi_guid_t *)&dtb_guid,
						emu_ptr(p->dtb_base));
	for (i = 0; i < p->tables_count; i++) {
		memcpy(&guid, t[i].guid, sizeof(guid));
		emu_install_configuration_table(&guid, emu_ptr(t[i].addr));
	}
}

/**
 * emu_arm64_main() - run the payload described by the parameter blob
 * @p: the blob, as the kernel's PE loader wrote it
 */
void emu_arm64_main(struct efi_emulator_param *p)
{
	struct emu_firmware fw = { };
	efi_status_t status;

	/*
	 * Nothing in a blob of another version can be trusted, not even
	 * its console: stop here.
	 */
	if (p->magic != EFI_EMULATOR_PARAM_MAGIC ||
	    p->version != EFI_EMULATOR_VERSION)
		for (;;)
			asm volatile("wfi");
	con = p->con;
	param = p;
	psci_conduit = p->psci_conduit;
	emu_set_platform(&state, &arm64_ops);
	/* The page table and MMU values are for one exception level. */
	if (current_el() != p->entry_el) {
		emu_printf("efi-emu: entered at EL%llu, the kernel prepared EL%u\n",
			   current_el(), p->entry_el);
		fatal("wrong exception level", EFI_UNSUPPORTED);
	}

	/*
	 * Written with the MMU off: drop any stale cache lines before the
	 * caches see these ranges again.
	 */
	emu_arm64_dcache_inval(emu_addr(emu_head), emu_addr(_end));
	emu_arm64_dcache_inval(emu_addr(p), emu_addr(p) + p->size);
	emu_arm64_dcache_inval(p->pt_base, p->pt_base + p->pt_size);
	emu_arm64_mmu_on(p->mair, p->tcr, p->ttbr0, p->sctlr);
	emu_arm64_mmu_init(p->ttbr0, p->entry_el);

	emu_printf("efi-emu: starting a %llu byte PE image at EL%u\n",
		   p->pe_size, p->entry_el);
	seed_memory_map(p);
	/* A crash kernel's memory holds none of it. */
	if (!(p->flags & EFI_EMULATOR_F_CRASH))
		keep_memreserve(p);
	fw.rt_base = p->rt_base;
	if (p->flags & EFI_EMULATOR_F_CRASH) {
		emu_printf("efi-emu: crash kernel: runtime services withheld\n");
	} else {
		fw.runtime = emu_ptr(p->runtime);
		fw.rt_mask = p->runtime_supported;
	}
	status = emu_init(&state, &arm64_ops, &fw);
	if (status != EFI_SUCCESS)
		fatal("cannot set up boot services", status);
	if (state.rt.needs_svam)
		emu_printf("efi-emu: runtime services at the first boot's VAs\n");
	install_tables(p);
	status = emu_install_smbios(&state);
	if (status != EFI_SUCCESS)
		fatal("cannot install the SMBIOS protocol", status);
	status = emu_install_initrd(&state, p->initrd_base, p->initrd_size);
	if (status != EFI_SUCCESS)
		fatal("cannot install the initrd", status);
	status = emu_boot(&state, emu_ptr(p->pe_base), p->pe_size,
			  (const efi_char16_t *)((const u8 *)p +
						 p->cmdline_offset),
			  p->cmdline_size);
	fatal("the PE image did not boot", status);
}
