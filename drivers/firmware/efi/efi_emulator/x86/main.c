// SPDX-License-Identifier: GPL-2.0
/*
 * The x86_64 platform of the EFI emulator: what runs between kexec -e and
 * the generic core (start.c).  It builds its own GDT, TSS and IDT (every
 * exception is reported with its vector, RIP and CR2, then the machine
 * reset: a triple fault is never the only symptom), turns on SSE, which
 * EFI payloads may use (UEFI 2.10, 2.3.4), switches to the identity map
 * the kernel wrote for it, and supplies the platform hooks: the 16550
 * the running system used as its console (I/O port or MMIO, polled with
 * a timeout), the TSC for Stall(), RDRAND for EFI_RNG_PROTOCOL when the
 * CPU has it, and a reset for every way this can fail: the ACPI reset
 * register, then the reset control register at 0xcf9, the keyboard
 * controller and last a triple fault.  Nothing may return from here.
 *
 * Page permissions are not managed: the map is writable and executable,
 * as at the first boot's ExitBootServices() on most firmware, so
 * EFI_MEMORY_ATTRIBUTE_PROTOCOL is not offered.
 */
#include <linux/bits.h>
#include <linux/efi_emulator.h>
#include "../emulator.h"
#include "x86.h"

#define UART_THR		0
#define UART_LSR		5
#define UART_LSR_THRE		0x20

#define X86_CR0_MP		BIT(1)
#define X86_CR0_EM		BIT(2)
#define X86_CR0_TS		BIT(3)
#define X86_CR0_NE		BIT(5)
#define X86_CR4_OSFXSR		BIT(9)
#define X86_CR4_OSXMMEXCPT	BIT(10)
#define X86_CR4_LA57		BIT(12)

#define GDT_CS			0x08
#define GDT_DS			0x10
#define GDT_TSS			0x18

static struct emulator state;
static struct efi_emulator_earlycon con;
static const struct efi_emulator_x86 *arch;
static const struct efi_emulator_param *param;

struct tss64 {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

struct idt_gate {
	u16 offset_low;
	u16 selector;
	u8 ist;
	u8 type;
	u16 offset_mid;
	u32 offset_high;
	u32 reserved;
} __packed;

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;

static u64 gdt[5] __aligned(16);
static struct tss64 tss __aligned(16);
static struct idt_gate idt[EMU_X86_VECTORS] __aligned(16);
/* IST1: every exception, so a stack overflow is reported as well. */
static u8 exception_stack[8192] __aligned(16);

static inline u8 port_read(u16 port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void port_write(u16 port, u8 v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

/* MMIO: single accesses of the given width, never merged or elided. */
static u32 mmio_read(u64 addr, u32 width)
{
	u32 v;

	if (width == 4)
		asm volatile("movl (%1), %0" : "=r"(v) : "r"(addr) : "memory");
	else
		asm volatile("movzbl (%1), %0" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static void mmio_write(u64 addr, u32 width, u32 v)
{
	if (width == 4)
		asm volatile("movl %0, (%1)" : : "r"(v), "r"(addr) : "memory");
	else
		asm volatile("movb %b0, (%1)" : : "q"(v), "r"(addr) : "memory");
}

static u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (u64)hi << 32 | lo;
}

static u64 read_cr0(void)
{
	u64 v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static u64 read_cr4(void)
{
	u64 v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
		     : "a"(leaf), "c"(0));
}

/* TSC ticks per microsecond are kHz / 1000. */
static u64 tsc_freq(void)
{
	return arch->tsc_khz * 1000;
}

static void delay_us(unsigned long us)
{
	u64 start = rdtsc(), ticks;
	unsigned long i;

	if (!arch->tsc_khz) {
		/* An I/O port access takes about a microsecond. */
		for (i = 0; i < us; i++)
			port_read(0x80);
		return;
	}
	ticks = emu_us_to_ticks(tsc_freq(), us);
	while (rdtsc() - start < ticks)
		asm volatile("pause");
}

static u32 uart_read(u32 reg)
{
	u64 addr = con.base + ((u64)reg << con.reg_shift);

	if (con.type == EFI_EMULATOR_CON_8250_IO)
		return port_read(con.base + reg);
	return mmio_read(addr, con.reg_width);
}

static void uart_write(u32 reg, u32 v)
{
	u64 addr = con.base + ((u64)reg << con.reg_shift);

	if (con.type == EFI_EMULATOR_CON_8250_IO)
		port_write(con.base + reg, v);
	else
		mmio_write(addr, con.reg_width, v);
}

/*
 * A transmitter that stays full this long is taken for dead: the console
 * goes silent rather than hang kexec -e.  At 9600 baud a character takes
 * about 1 ms.
 */
#define CON_TIMEOUT_US	20000

static void con_putc(char c)
{
	u64 start, limit;
	u32 spins;

	if (con.type == EFI_EMULATOR_CON_NONE)
		return;
	if (!(uart_read(UART_LSR) & UART_LSR_THRE)) {
		start = rdtsc();
		limit = emu_us_to_ticks(tsc_freq(), CON_TIMEOUT_US);
		for (spins = 0; !(uart_read(UART_LSR) & UART_LSR_THRE);
		     spins++)
			if (arch->tsc_khz ? rdtsc() - start > limit :
			    spins > CON_TIMEOUT_US) {
				con.type = EFI_EMULATOR_CON_NONE;
				return;
			}
	}
	uart_write(UART_THR, c);
}

static void con_write(const char *s, size_t len)
{
	for (; len; len--, s++) {
		if (*s == '\n')
			con_putc('\r');
		con_putc(*s);
	}
}

/* RDRAND sets CF when it returned a number. */
static bool cpu_random(u64 *v)
{
	bool ok;

	asm volatile("rdrand %0" : "=r"(*v), "=@ccc"(ok));
	return ok;
}

/*
 * EFI_RNG_PROTOCOL's source: RDRAND, retried as Intel advises (ten
 * times); a run of failures is a device error the caller sees.
 */
static efi_status_t get_random(void *buf, size_t len)
{
	u8 *p = buf;
	size_t n;
	int tries;
	u64 v;

	while (len) {
		for (tries = 0; tries < 10 && !cpu_random(&v); tries++)
			;
		if (tries == 10)
			return EFI_DEVICE_ERROR;
		n = len < sizeof(v) ? len : sizeof(v);
		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
	v = 0;
	return EFI_SUCCESS;
}

static bool have_rdrand(void)
{
	u32 a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	return c & BIT(30);
}

/*
 * The ways x86 machines reset, in the order the kernel's own reboot code
 * tries them for "reboot=acpi": the FADT reset register, the PCI reset
 * control register (a soft then a hard reset), the keyboard controller's
 * pulse of the reset line, and a triple fault, which always works.
 */
static void __noreturn reset(void)
{
	int i;

	if (arch->flags & EFI_EMULATOR_X86_F_RESET_REG) {
		if (arch->reset_space == 1)
			port_write(arch->reset_addr, arch->reset_value);
		else
			mmio_write(arch->reset_addr, 1, arch->reset_value);
		delay_us(50000);
	}
	port_write(0xcf9, 0x02);
	delay_us(50);
	port_write(0xcf9, 0x06);
	delay_us(50000);
	for (i = 0; i < 10; i++) {
		if (!(port_read(0x64) & 0x02))
			port_write(0x64, 0xfe);
		delay_us(50000);
	}
	emu_x86_triple_fault();
}

/* ExitBootServices() succeeded: the payload owns the machine. */
static void exit_boot_services(void)
{
	emu_printf("efi-emu: tsc=%llu at ExitBootServices()\n", rdtsc());
}

/* get_random is filled in when the CPU has RDRAND. */
static struct emu_platform_ops x86_ops = {
	.write = con_write,
	.delay_us = delay_us,
	.exit_boot_services = exit_boot_services,
	.reset = reset,
};

static const char *const exception_names[EMU_X86_VECTORS] = {
	[0] = "divide error", [1] = "debug", [3] = "breakpoint",
	[4] = "overflow", [5] = "bound range", [6] = "invalid opcode",
	[7] = "device not available", [8] = "double fault",
	[10] = "invalid TSS", [11] = "segment not present",
	[12] = "stack fault", [13] = "general protection",
	[14] = "page fault", [16] = "x87 FPU error",
	[17] = "alignment check", [18] = "machine check",
	[19] = "SIMD floating point", [21] = "control protection",
};

void emu_x86_exception(u64 vector, u64 error, u64 rip, u64 cr2, u64 rsp)
{
	const char *name = vector < EMU_X86_VECTORS ?
			   exception_names[vector] : NULL;

	emu_printf("efi-emu: exception %llu (%s): error 0x%llx RIP 0x%llx CR2 0x%llx RSP 0x%llx\n",
		   vector, name ?: "reserved", error, rip, cr2, rsp);
	reset();
}

/* Code and data segments of 64-bit mode, and the TSS (two slots). */
static void load_descriptors(void)
{
	u64 base = emu_addr(&tss), limit = sizeof(tss) - 1, stub;
	struct desc_ptr gdtr, idtr;
	u32 i;

	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffULL;		/* GDT_CS: long mode code */
	gdt[2] = 0x00cf92000000ffffULL;		/* GDT_DS: flat data */
	gdt[3] = (limit & 0xffff) | (base & 0xffffff) << 16 |
		 0x89ULL << 40 |		/* present, 64-bit TSS */
		 ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	gdt[4] = base >> 32;
	tss.ist[0] = emu_addr(exception_stack + sizeof(exception_stack));
	tss.iomap_base = sizeof(tss);
	for (i = 0; i < EMU_X86_VECTORS; i++) {
		stub = emu_addr(emu_x86_vectors) + i * EMU_X86_STUB_SIZE;
		idt[i] = (struct idt_gate){
			.offset_low = stub & 0xffff,
			.selector = GDT_CS,
			.ist = 1,
			.type = 0x8e,		/* present, interrupt gate */
			.offset_mid = (stub >> 16) & 0xffff,
			.offset_high = stub >> 32,
		};
	}
	gdtr.limit = sizeof(gdt) - 1;
	gdtr.base = emu_addr(gdt);
	idtr.limit = sizeof(idt) - 1;
	idtr.base = emu_addr(idt);
	emu_x86_load_segments(&gdtr, &idtr, GDT_CS, GDT_DS, GDT_TSS);
}

/*
 * relocate_kernel leaves only PAE and LA57 in CR4: turn SSE back on, and
 * the x87 in its native error mode, with the default control words.
 */
static void enable_sse(void)
{
	u64 cr0 = (read_cr0() & ~(X86_CR0_EM | X86_CR0_TS)) |
		  X86_CR0_MP | X86_CR0_NE;
	u64 cr4 = read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	u32 mxcsr = 0x1f80;

	asm volatile("mov %0, %%cr0" : : "r"(cr0));
	asm volatile("mov %0, %%cr4" : : "r"(cr4));
	asm volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
}

/**
 * emu_x86_main() - run the payload described by the parameter blob
 * @p: the blob, as the kernel's PE loader wrote it
 */
void emu_x86_main(struct efi_emulator_param *p)
{
	u64 entered = rdtsc(), guard;
	bool la57;

	load_descriptors();
	if (!emu_param_valid(p))
		emu_x86_triple_fault();
	con = p->con;
	param = p;
	arch = &p->arch.x86;
	enable_sse();
	if (have_rdrand())
		x86_ops.get_random = get_random;
	emu_set_platform(&state, &x86_ops);

	/* The kernel wrote tables for the paging mode it ran in. */
	la57 = read_cr4() & X86_CR4_LA57;
	if (la57 != !!(arch->flags & EFI_EMULATOR_X86_F_LA57))
		emu_fatal("the page tables are not for this paging mode",
			  EFI_UNSUPPORTED);
	asm volatile("mov %0, %%cr3" : : "r"(arch->cr3) : "memory");

	emu_printf("efi-emu: starting a %llu byte PE image on x86_64%s\n",
		   p->pe_size, la57 ? " (5-level paging)" : "");
	/* The TSC runs on from the kernel before (make bench). */
	emu_printf("efi-emu: tsc=%llu at entry, %llu kHz\n", entered,
		   arch->tsc_khz);
	emu_printf("efi-emu: EFI_RNG_PROTOCOL %s\n",
		   x86_ops.get_random ? "from RDRAND" :
		   "not offered: the CPU has no RDRAND");
	emu_start(p);
	emu_x86_call_on_stack(emu_alloc_stack(EMU_STACK_SIZE, &guard),
			      emu_run, p);
}
