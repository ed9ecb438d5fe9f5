// SPDX-License-Identifier: GPL-2.0
/*
 * The EFI system table and its configuration tables.
 *
 * The next kernel reads the system table, the vendor string and the
 * configuration table array after ExitBootServices(), so they live in one
 * page of EfiRuntimeServicesData, which the kernel keeps (as EDK2 does);
 * the boot services table itself is gone by then and stays in the
 * emulator.  The runtime services table is the one from the first boot,
 * passed through unchanged, and EFI_RT_PROPERTIES_TABLE says which of its
 * services the next kernel may use.  Without one (the first kernel did
 * not boot through EFI) a table of services that all fail stands in, and
 * the properties table says none is supported: the stub then skips
 * SetVirtualAddressMap() and the kernel never calls them.
 */
#include "emulator.h"

static const efi_char16_t vendor[] = {
	'k', 'e', 'x', 'e', 'c', '-', 'p', 'e', 0
};

struct systab_page {
	efi_system_table_t st;
	efi_char16_t vendor[EMU_ARRAY_SIZE(vendor)];
	efi_config_table_t tables[EMU_MAX_CONFIG_TABLES];
	efi_runtime_services_t rt;
	efi_rt_properties_table_t rt_prop;
};

/*
 * The services of the stand-in table.  Their arguments differ; the
 * AAPCS64 caller passes them in registers these ignore, so two functions
 * serve all fourteen: the variable store is empty (GetVariable() and
 * GetNextVariableName() find nothing, so a stub reads "Secure Boot off"
 * rather than an error), everything else is unsupported.
 */
static efi_status_t rt_unsupported(void)
{
	return EFI_UNSUPPORTED;
}

static efi_status_t rt_not_found(void)
{
	return EFI_NOT_FOUND;
}

#define RT_GET_VARIABLE			6
#define RT_GET_NEXT_VARIABLE_NAME	7

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
 * @rt_mask:	EFI_RT_SUPPORTED_* services of @runtime the next kernel may
 *		call (ignored without @runtime)
 *
 * Return: EFI_SUCCESS or EFI_OUT_OF_RESOURCES.
 */
efi_status_t emu_systab_init(struct emulator *e, void *runtime, u32 rt_mask)
{
	static const efi_guid_t rt_prop_guid = EFI_RT_PROPERTIES_TABLE_GUID;
	struct systab_page *p;
	efi_status_t status;
	u64 addr;
	u32 i;

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
	if (!runtime) {
		p->rt.hdr.signature = EFI_RUNTIME_SERVICES_SIGNATURE;
		p->rt.hdr.revision = EFI_2_100_SYSTEM_TABLE_REVISION;
		p->rt.hdr.headersize = sizeof(p->rt);
		for (i = 0; i < EMU_ARRAY_SIZE(p->rt.services); i++)
			p->rt.services[i] = (void *)rt_unsupported;
		p->rt.services[RT_GET_VARIABLE] = (void *)rt_not_found;
		p->rt.services[RT_GET_NEXT_VARIABLE_NAME] = (void *)rt_not_found;
		p->rt.hdr.crc32 = emu_crc32(0, &p->rt, sizeof(p->rt));
		p->st.runtime = &p->rt;
		rt_mask = 0;
	}
	/* SetVirtualAddressMap() was called by the first boot, if ever. */
	p->rt_prop.version = 1;
	p->rt_prop.length = sizeof(p->rt_prop);
	p->rt_prop.runtime_services_supported =
		rt_mask & ~EFI_RT_SUPPORTED_SET_VIRTUAL_ADDRESS_MAP;
	emu_systab_update_crc(e);
	return emu_install_configuration_table((efi_guid_t *)&rt_prop_guid,
					       &p->rt_prop);
}

/* struct linux_efi_memreserve, as far as the emulator needs it. */
struct memreserve_head {
	s32 size;
	s32 count;
	u64 next;
};

/*
 * The Linux stub installs an empty LINUX_EFI_MEMRESERVE table of its own.
 * Replacing the running kernel's list with it would drop what that kernel
 * reserved for good (GICv3 LPI tables the hardware keeps writing), so an
 * empty table over an existing one gets the old list behind it, and the
 * next kernel walks both.
 */
static void keep_memreserve_chain(const efi_guid_t *guid, void *new,
				  void *old)
{
	static const efi_guid_t memreserve_guid =
		LINUX_EFI_MEMRESERVE_TABLE_GUID;
	struct memreserve_head *head = new;

	if (!new || !old || new == old ||
	    !emu_guid_eq(guid, &memreserve_guid) || head->next)
		return;
	head->next = emu_addr(old);
}

/*
 * Implements InstallConfigurationTable() (UEFI 2.10, 7.5): add, replace,
 * or (with a NULL table) remove the entry for @guid.
 */
efi_status_t emu_install_configuration_table(efi_guid_t *guid, void *table)
{
	efi_system_table_t *st = emu->systab;
	void *old = NULL;
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
	} else {
		old = emu->tables[i].table;
	}
	if (table) {
		keep_memreserve_chain(guid, table, old);
		emu->tables[i].table = table;
	} else {
		st->nr_tables--;
		memmove(&emu->tables[i], &emu->tables[i + 1],
			(st->nr_tables - i) * sizeof(emu->tables[0]));
	}
	emu_systab_update_crc(emu);
	return EFI_SUCCESS;
}
