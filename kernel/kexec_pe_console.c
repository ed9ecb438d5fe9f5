// SPDX-License-Identifier: GPL-2.0
/*
 * The console the EFI emulator prints on between kexec -e and the next
 * kernel (kexec_pe_image.c): the UART the firmware names, when the
 * running kernel uses it as its console too, or else a 16550 at an I/O
 * port that the running kernel has as its console (x86's COM ports, which
 * no table may name: QEMU has no SPCR on x86).  An architecture maps an
 * MMIO one for the emulator (arch_kexec_pe_entry()).
 */
#define pr_fmt(fmt)	"kexec_file(PE): " fmt

#include <linux/acpi.h>
#include <linux/amba/bus.h>
#include <linux/console.h>
#include <linux/efi_emulator.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/platform_device.h>
#include <linux/serial_core.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>

#include "kexec_pe.h"

/* The console of a DT system: /chosen/stdout-path. */
static void find_console_dt(struct efi_emulator_earlycon *con)
{
	struct resource res;
	u32 v;

	if (!of_stdout || of_address_to_resource(of_stdout, 0, &res))
		return;
	if (of_device_is_compatible(of_stdout, "arm,pl011") ||
	    of_device_is_compatible(of_stdout, "arm,sbsa-uart")) {
		con->type = EFI_EMULATOR_CON_PL011;
	} else if (of_device_is_compatible(of_stdout, "ns16550a") ||
		   of_device_is_compatible(of_stdout, "ns16550") ||
		   of_device_is_compatible(of_stdout, "snps,dw-apb-uart")) {
		con->type = EFI_EMULATOR_CON_8250;
		con->reg_shift = of_property_read_u32(of_stdout, "reg-shift",
						      &v) ? 0 : v;
		con->reg_width = of_property_read_u32(of_stdout,
						      "reg-io-width", &v) ?
				 1 : v;
	} else {
		pr_info("console %pOF unknown to the emulator; it runs silently\n",
			of_stdout);
		return;
	}
	con->base = res.start;
}

/*
 * The console of an ACPI system: the SPCR table, read the way the kernel's
 * own SPCR parser (drivers/acpi/spcr.c) reads it.  Only MMIO UARTs the
 * emulator drives qualify; 16550s get the register stride earlycon uses
 * for their access width.
 */
static void find_console_spcr(struct efi_emulator_earlycon *con)
{
	struct acpi_table_spcr *spcr;
	struct acpi_table_header *hdr;
	u8 access;

	if (ACPI_FAILURE(acpi_get_table(ACPI_SIG_SPCR, 0, &hdr))) {
		pr_info("no SPCR table\n");
		return;
	}
	spcr = container_of(hdr, struct acpi_table_spcr, header);
	if (hdr->length < offsetofend(struct acpi_table_spcr, serial_port) ||
	    (spcr->serial_port.space_id != ACPI_ADR_SPACE_SYSTEM_MEMORY &&
	     spcr->serial_port.space_id != ACPI_ADR_SPACE_SYSTEM_IO) ||
	    !spcr->serial_port.address) {
		pr_info("SPCR console is neither an MMIO nor an I/O port UART; the emulator runs silently\n");
		goto out;
	}
	/* GAS access size: 0 undefined (bytes, as spcr.c), 1 byte, 3 dword */
	access = spcr->serial_port.access_width;

	switch (spcr->interface_type) {
	case ACPI_DBG2_ARM_PL011:
	case ACPI_DBG2_ARM_SBSA_32BIT:
	case ACPI_DBG2_ARM_SBSA_GENERIC:
	case ACPI_DBG2_BCM2835:
		con->type = EFI_EMULATOR_CON_PL011;
		break;
	case ACPI_DBG2_16550_COMPATIBLE:
	case ACPI_DBG2_16550_SUBSET:
	case ACPI_DBG2_16550_WITH_GAS:
	case ACPI_DBG2_16550_NVIDIA:
		if (access > 1 && access != 3) {
			pr_info("SPCR 16550 access size %u unsupported; the emulator runs silently\n",
				access);
			goto out;
		}
		con->type = EFI_EMULATOR_CON_8250;
		con->reg_width = access == 3 ? 4 : 1;
		con->reg_shift = access == 3 ? 2 : 0;
		if (spcr->serial_port.space_id == ACPI_ADR_SPACE_SYSTEM_IO) {
			con->type = EFI_EMULATOR_CON_8250_IO;
			con->reg_width = 1;
			con->reg_shift = 0;
		}
		break;
	default:
		pr_info("SPCR interface type %u unknown to the emulator; it runs silently\n",
			spcr->interface_type);
		goto out;
	}
	if (con->type == EFI_EMULATOR_CON_PL011 &&
	    spcr->serial_port.space_id != ACPI_ADR_SPACE_SYSTEM_MEMORY) {
		pr_info("SPCR PL011 is not MMIO; the emulator runs silently\n");
		con->type = EFI_EMULATOR_CON_NONE;
		goto out;
	}
	con->base = spcr->serial_port.address;
out:
	acpi_put_table(hdr);
}

/*
 * The first MMIO resource of the UART a tty belongs to, or 0: the nearest
 * platform or AMBA device above it (serial core puts its port and
 * controller devices in between).
 */
static u64 uart_mmio_base(struct device *dev)
{
	struct resource *res = NULL;
	int depth;

	for (depth = 0; dev && depth < 4 && !res; dev = dev->parent, depth++) {
		if (dev_is_platform(dev))
			res = platform_get_resource(to_platform_device(dev),
						    IORESOURCE_MEM, 0);
#ifdef CONFIG_ARM_AMBA
		else if (dev->bus == &amba_bustype)
			res = &to_amba_device(dev)->res;
#endif
	}
	return res ? res->start : 0;
}

/*
 * Does the running kernel print its console on the UART at @base?  A
 * UART it does not drive may be clock-gated, powered down or somebody
 * else's (a management controller's): the emulator writes only where the
 * kernel itself writes.  An enabled console's tty device names the UART,
 * whose first MMIO resource must be @base.  The walk is the
 * one console_device() makes.
 */
static bool console_is_live(u64 base)
{
#ifdef CONFIG_TTY
	struct tty_driver *drv;
	struct device *tty;
	struct console *c;
	bool live = false;
	int cookie, index;

	cookie = console_srcu_read_lock();
	for_each_console_srcu(c) {
		if (!(console_srcu_read_flags(c) & CON_ENABLED) || !c->device)
			continue;
		drv = c->device(c, &index);
		if (!drv)
			continue;
		tty = class_find_device_by_devt(&tty_class,
						MKDEV(drv->major,
						      drv->minor_start) + index);
		if (!tty)
			continue;
		live = uart_mmio_base(tty->parent) == base;
		put_device(tty);
		if (live)
			break;
	}
	console_srcu_read_unlock(cookie);
	return live;
#else
	return false;	/* no tty, no serial console */
#endif
}

/*
 * The I/O port of a 16550 that is an enabled console of the running
 * kernel (a serial-core console of the 8250 driver, "ttySn"), or 0;
 * @want: that port only, when not 0.
 */
static unsigned long console_io_port(unsigned long want)
{
#ifdef CONFIG_SERIAL_CORE_CONSOLE
	struct uart_driver *drv;
	struct uart_port *port;
	unsigned long base = 0;
	struct console *c;
	int cookie;

	cookie = console_srcu_read_lock();
	for_each_console_srcu(c) {
		if (!(console_srcu_read_flags(c) & CON_ENABLED) ||
		    c->device != uart_console_device || !c->data ||
		    c->index < 0)
			continue;
		drv = c->data;
		if (c->index >= drv->nr || !drv->state ||
		    strcmp(drv->dev_name, "ttyS"))
			continue;
		port = drv->state[c->index].uart_port;
		if (!port || port->iotype != UPIO_PORT || !port->iobase ||
		    port->type == PORT_UNKNOWN ||
		    (want && port->iobase != want))
			continue;
		base = port->iobase;
		break;
	}
	console_srcu_read_unlock(cookie);
	return base;
#else
	return 0;
#endif
}

/**
 * kexec_pe_find_console() - the UART the emulator prints on
 * @con:	out: its type, registers and base; EFI_EMULATOR_CON_NONE
 *		when there is none the emulator may use
 *
 * The firmware's console (the SPCR table on an ACPI system,
 * /chosen/stdout-path on a DT one), provided the running kernel prints
 * its own console there; without one, a 16550 at an I/O port that the
 * running kernel has as its console.
 */
void kexec_pe_find_console(struct efi_emulator_earlycon *con)
{
	unsigned long port;
	bool live;

	con->type = EFI_EMULATOR_CON_NONE;
	if (!acpi_disabled)
		find_console_spcr(con);
	else
		find_console_dt(con);
	if (con->type != EFI_EMULATOR_CON_NONE) {
		live = con->type == EFI_EMULATOR_CON_8250_IO ?
		       console_io_port(con->base) : console_is_live(con->base);
		if (live)
			return;
		pr_info("UART at 0x%llx is not a console of this kernel; the emulator runs silently\n",
			con->base);
		con->type = EFI_EMULATOR_CON_NONE;
		return;
	}
	port = console_io_port(0);
	if (!port) {
		pr_info("no console the emulator can use; it runs silently\n");
		return;
	}
	con->type = EFI_EMULATOR_CON_8250_IO;
	con->base = port;
	con->reg_shift = 0;
	con->reg_width = 1;
	pr_info("the emulator prints on the console's 16550 at I/O port 0x%lx\n",
		port);
}
