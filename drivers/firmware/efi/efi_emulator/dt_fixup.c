// SPDX-License-Identifier: GPL-2.0
/*
 * EFI_DT_FIXUP_PROTOCOL: a payload that brings a device tree of its own (a
 * UKI's .dtb or .dtbauto; systemd-stub asks for the protocol before it
 * installs one) has the firmware's facts put into it.  Here the firmware
 * is the kexec loader, and its facts are the /chosen properties the loader
 * wrote into the DT it handed over: the kdump properties (without them a
 * crash kernel would have no /proc/vmcore, and would not know which memory
 * it may use), the IMA measurement list carried across, the KASLR and RNG
 * seeds.  Those the loader did not write are removed, so a DT built for
 * another boot cannot claim them.
 *
 * EFI_DT_RESERVE_MEMORY keeps the DT's /memreserve/ entries and
 * /reserved-memory regions out of what AllocatePages() hands out, as
 * U-Boot's efi_carve_out_dt_rsv() does.  EFI_DT_INSTALL_TABLE makes the DT
 * the device-tree configuration table.
 */
#include "emulator.h"
#ifdef __KERNEL__
#include <linux/libfdt.h>
#else
#include <libfdt.h>
#endif

/* Larger than any DT: systemd-stub refuses more than 32 MiB. */
#define DT_MAX_SIZE	(32UL << 20)

/* /chosen properties of_kexec_alloc_and_setup_fdt() and IMA write. */
static const char *const owned[] = {
	"linux,elfcorehdr",
	"linux,usable-memory-range",
	"linux,ima-kexec-buffer",
	"linux,booted-from-kexec",
	"kaslr-seed",
	"rng-seed",
};

/* A DT the emulator may read: a valid header and all of it in memory. */
static bool dt_ok(const void *fdt)
{
	if (!emu_mem_readable(&emu->mem, emu_addr(fdt), sizeof(struct fdt_header)))
		return false;
	return !fdt_check_header(fdt) &&
	       emu_mem_readable(&emu->mem, emu_addr(fdt), fdt_totalsize(fdt));
}

/* Bytes of a DT without its free space, as fdt_open_into() lays it out. */
static unsigned long dt_used(const void *fdt)
{
	if (fdt_version(fdt) < 17)
		return fdt_totalsize(fdt);
	return ((sizeof(struct fdt_header) + 7) & ~7UL) +
	       (fdt_num_mem_rsv(fdt) + 1) * sizeof(struct fdt_reserve_entry) +
	       fdt_size_dt_struct(fdt) + fdt_size_dt_strings(fdt);
}

/* Bytes the owned properties may add: a /chosen node and each property. */
static unsigned long fixup_room(const void *host)
{
	int chosen = fdt_path_offset(host, "/chosen");
	unsigned long room = 64;
	u32 i;
	int len;

	for (i = 0; chosen >= 0 && i < EMU_ARRAY_SIZE(owned); i++) {
		if (!fdt_getprop(host, chosen, owned[i], &len))
			continue;
		room += sizeof(struct fdt_property) + ((len + 3) & ~3) +
			strlen(owned[i]) + 1 + 4;
	}
	return room;
}

static efi_status_t apply_fixups(void *fdt, unsigned long size)
{
	const void *host = emu->dt.host;
	int chosen, from, len, err;
	const void *val;
	u32 i;

	err = fdt_open_into(fdt, fdt, size);
	if (err)
		return EFI_INVALID_PARAMETER;
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen == -FDT_ERR_NOTFOUND)
		chosen = fdt_add_subnode(fdt, 0, "chosen");
	if (chosen < 0)
		return EFI_INVALID_PARAMETER;
	from = fdt_path_offset(host, "/chosen");
	for (i = 0; i < EMU_ARRAY_SIZE(owned); i++) {
		val = from >= 0 ? fdt_getprop(host, from, owned[i], &len) : NULL;
		if (val)
			err = fdt_setprop(fdt, chosen, owned[i], val, len);
		else
			err = fdt_delprop(fdt, chosen, owned[i]);
		if (err && err != -FDT_ERR_NOTFOUND)
			return EFI_INVALID_PARAMETER;
	}
	return EFI_SUCCESS;
}

static u64 read_cells(const fdt32_t *p, int cells)
{
	u64 v = 0;

	while (cells--)
		v = (v << 32) | fdt32_to_cpu(*p++);
	return v;
}

static int cells(const void *fdt, int node, const char *name, int dflt)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, node, name, &len);
	if (!p || len != sizeof(*p))
		return dflt;
	return fdt32_to_cpu(*p);
}

static void keep(u64 base, u64 size, u32 type)
{
	if (size && emu_mem_keep(&emu->mem, base, size, type) != EFI_SUCCESS)
		emu_printf("efi-emu: DT reserved range 0x%llx+0x%llx not kept\n",
			   (unsigned long long)base, (unsigned long long)size);
}

/* Each reg of each enabled /reserved-memory child; no-map ones unusable. */
static void reserve_memory(const void *fdt)
{
	int node, child, ac, sc, len, n, i;
	u64 addr, size;
	const fdt32_t *reg;
	const char *status;

	n = fdt_num_mem_rsv(fdt);
	for (i = 0; i < n; i++)
		if (!fdt_get_mem_rsv(fdt, i, &addr, &size))
			keep(addr, size, EFI_RESERVED_TYPE);
	node = fdt_path_offset(fdt, "/reserved-memory");
	if (node < 0)
		return;
	ac = cells(fdt, node, "#address-cells", cells(fdt, 0, "#address-cells", 2));
	sc = cells(fdt, node, "#size-cells", cells(fdt, 0, "#size-cells", 1));
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return;
	fdt_for_each_subnode(child, fdt, node) {
		status = fdt_getprop(fdt, child, "status", &len);
		if (status && !(len == 5 && !memcmp(status, "okay", 5)) &&
		    !(len == 3 && !memcmp(status, "ok", 3)))
			continue;
		reg = fdt_getprop(fdt, child, "reg", &len);
		if (!reg)
			continue;
		for (; len >= (ac + sc) * 4; len -= (ac + sc) * 4) {
			addr = read_cells(reg, ac);
			size = read_cells(reg + ac, sc);
			reg += ac + sc;
			keep(addr, size,
			     fdt_getprop(fdt, child, "no-map", NULL) ?
			     EFI_RESERVED_TYPE : EFI_BOOT_SERVICES_DATA);
		}
	}
}

/* Implements EFI_DT_FIXUP_PROTOCOL.Fixup() (EBBR 2.1, 3.1.2). */
static efi_status_t __efiapi dt_fixup(efi_dt_fixup_protocol_t *this, void *fdt,
				      unsigned long *buffer_size, u32 flags)
{
	static const efi_guid_t dtb_guid = DEVICE_TREE_GUID;
	unsigned long need, size;
	efi_status_t status;

	if (this != &emu->dt.proto || !fdt || !buffer_size || !flags ||
	    (flags & ~EFI_DT_ALL) || !dt_ok(fdt))
		return EFI_INVALID_PARAMETER;
	if (flags & EFI_DT_APPLY_FIXUPS) {
		need = dt_used(fdt) + fixup_room(emu->dt.host);
		if (*buffer_size < need) {
			*buffer_size = need;
			return EFI_BUFFER_TOO_SMALL;
		}
		size = *buffer_size < DT_MAX_SIZE ? *buffer_size : DT_MAX_SIZE;
		if (need > size ||
		    !emu_mem_readable(&emu->mem, emu_addr(fdt), size))
			return EFI_INVALID_PARAMETER;
		status = apply_fixups(fdt, size);
		if (status != EFI_SUCCESS)
			return status;
	}
	if (flags & EFI_DT_RESERVE_MEMORY)
		reserve_memory(fdt);
	if (flags & EFI_DT_INSTALL_TABLE)
		return emu_install_configuration_table((efi_guid_t *)&dtb_guid,
						       fdt);
	return EFI_SUCCESS;
}

/**
 * emu_install_dt_fixup() - offer EFI_DT_FIXUP_PROTOCOL
 *
 * Only when the host handed over a DT (the device-tree configuration
 * table, as it stands before the payload runs) that the emulator may read;
 * its /chosen is where the fixups come from.
 *
 * Return: EFI_SUCCESS (also when there is nothing to offer).
 */
efi_status_t emu_install_dt_fixup(void)
{
	static const efi_guid_t dtb_guid = DEVICE_TREE_GUID;
	static const efi_guid_t guid = EFI_DT_FIXUP_PROTOCOL_GUID;
	efi_handle_t handle = NULL;
	unsigned long i;

	for (i = 0; i < emu->systab->nr_tables; i++)
		if (emu_guid_eq(&emu->tables[i].guid, &dtb_guid))
			emu->dt.host = emu->tables[i].table;
	if (!emu->dt.host || !dt_ok(emu->dt.host)) {
		emu->dt.host = NULL;
		return EFI_SUCCESS;
	}
	emu->dt.proto.revision = EFI_DT_FIXUP_PROTOCOL_REVISION;
	emu->dt.proto.fixup = dt_fixup;
	return emu_install_protocol(&handle, &guid, &emu->dt.proto);
}
