// SPDX-License-Identifier: GPL-2.0
/*
 * The EFI system table and its configuration tables.
 *
 * The next kernel reads the system table, the vendor string and the
 * configuration table array after ExitBootServices(), so they live in one
 * page of EfiRuntimeServicesData, which the kernel keeps (as EDK2 does);
 * the boot services table itself is gone by then and stays in the
 * emulator.  The runtime services table is the one from the first boot,
 * passed through unchanged.
 */
#include "emulator.h"

static const efi_char16_t vendor[] = {
	'k', 'e', 'x', 'e', 'c', '-', 'p', 'e', 0
};

struct systab_page {
	efi_system_table_t st;
	efi_char16_t vendor[EMU_ARRAY_SIZE(vendor)];
	efi_config_table_t tables[EMU_MAX_CONFIG_TABLES];
};

/**
 * emu_systab_update_crc() - recompute the header CRCs after a change
 * @e: the emulator
 */
void emu_systab_update_crc(struct emulator *e)
{
	e->systab->hdr.crc32 = 0;
	e->systab->hdr.crc32 =
		emu_crc32(0, e->systab, e->systab->hdr.headersize);
	e->bs.hdr.crc32 = 0;
	e->bs.hdr.crc32 = emu_crc32(0, &e->bs, e->bs.hdr.headersize);
}

/**
 * emu_systab_init() - build the system table
 * @e:		the emulator, with console and boot services set up
 * @runtime:	the runtime services table to pass through, or NULL
 *
 * Return: EFI_SUCCESS or EFI_OUT_OF_RESOURCES.
 */
efi_status_t emu_systab_init(struct emulator *e, void *runtime)
{
	struct systab_page *p;
	efi_status_t status;
	u64 addr;

	BUILD_CHECK(sizeof(*p) <= EFI_PAGE_SIZE);
	status = emu_allocate_pages(&e->mem, EFI_ALLOCATE_ANY_PAGES,
				    EFI_RUNTIME_SERVICES_DATA, 1, &addr);
	if (status != EFI_SUCCESS)
		return status;
	p = emu_ptr(addr);
	memset(p, 0, sizeof(*p));
	memcpy(p->vendor, vendor, sizeof(vendor));
	p->st = (efi_system_table_t){
		.hdr = {
			.signature = EFI_SYSTEM_TABLE_SIGNATURE,
			.revision = EFI_2_100_SYSTEM_TABLE_REVISION,
			.headersize = sizeof(efi_system_table_t),
		},
		.fw_vendor = p->vendor,
		.fw_revision = 0x00010000,
		.con_out_handle = e->con_handle,
		.con_out = &e->con_out,
		.stderr_handle = e->con_handle,
		.stderr = &e->con_out,
		.runtime = runtime,
		.boottime = &e->bs,
		.nr_tables = 0,
		.tables = p->tables,
	};
	e->systab = &p->st;
	e->tables = p->tables;
	emu_systab_update_crc(e);
	return EFI_SUCCESS;
}

/*
 * Implements InstallConfigurationTable() (UEFI 2.10, 7.5): add, replace,
 * or (with a NULL table) remove the entry for @guid.
 */
efi_status_t emu_install_configuration_table(efi_guid_t *guid, void *table)
{
	efi_system_table_t *st = emu->systab;
	unsigned long i;

	emu_called(install_configuration_table);
	if (!guid)
		return EFI_INVALID_PARAMETER;
	for (i = 0; i < st->nr_tables; i++)
		if (emu_guid_eq(&emu->tables[i].guid, guid))
			break;
	if (i == st->nr_tables) {
		if (!table)
			return EFI_NOT_FOUND;
		if (st->nr_tables == EMU_MAX_CONFIG_TABLES)
			return EFI_OUT_OF_RESOURCES;
		emu->tables[i].guid = *guid;
		st->nr_tables++;
	}
	if (table) {
		emu->tables[i].table = table;
	} else {
		st->nr_tables--;
		memmove(&emu->tables[i], &emu->tables[i + 1],
			(st->nr_tables - i) * sizeof(emu->tables[0]));
	}
	emu_systab_update_crc(emu);
	return EFI_SUCCESS;
}
