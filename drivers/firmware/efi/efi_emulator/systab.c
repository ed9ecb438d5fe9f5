// SPDX-License-Identifier: GPL-2.0
/*
 * The EFI system table and its configuration tables, and the runtime
 * services the next kernel gets.
 *
 * The next kernel reads the system table, the vendor string and the
 * configuration table array after ExitBootServices(), so they live in
 * EfiRuntimeServicesData that the kernel keeps (as EDK2 does), one 64 KiB
 * block as AArch64 UEFI requires of runtime memory: the block the kexec
 * loader reserved for it, or one allocated here.  The boot services table
 * itself is gone by then and stays in the emulator.
 *
 * Runtime services are the first boot's: a copy of its table lives in that
 * block and EFI_RT_PROPERTIES_TABLE says which of them the next kernel may
 * use.  The first boot may have called SetVirtualAddressMap(): its stub
 * does on Ampere eMAG/Altra and whenever the kernel has fewer than 48 bits
 * of VA, and the firmware then only works at those virtual addresses.  The
 * next stub builds its map with the same deterministic layout and calls
 * SetVirtualAddressMap() again; the copy's entry accepts exactly the
 * mapping already in force and refuses any other, so the next kernel runs
 * its runtime services where they work or not at all.  Until that call
 * confirmed the mapping (from ExitBootServices() on) the properties table
 * supports nothing, so a stub that never makes it leaves the next kernel
 * without runtime services rather than with broken ones.
 *
 * Without a table to pass on (no EFI in the first boot, or a crash kernel,
 * which must not call into the crashed system's firmware) a stand-in of
 * services that all fail takes its place, and the properties table says
 * none is supported: the stub then skips SetVirtualAddressMap() and the
 * kernel never calls them.
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

#define RT_SET_VIRTUAL_ADDRESS_MAP	4
#define RT_GET_VARIABLE			6
#define RT_GET_NEXT_VARIABLE_NAME	7

/*
 * The services of the stand-in table.  Their arguments differ; the
 * caller passes them in registers these ignore and, beyond four on
 * x86_64, on a stack it cleans up itself (AAPCS64 and the Microsoft x64
 * convention both), so two functions serve all fourteen: the variable
 * store is empty (GetVariable() and GetNextVariableName() find nothing,
 * so a stub reads "Secure Boot off" rather than an error), everything
 * else is unsupported.
 */
static efi_status_t __efiapi rt_unsupported(void)
{
	return EFI_UNSUPPORTED;
}

static efi_status_t __efiapi rt_not_found(void)
{
	return EFI_NOT_FOUND;
}

static struct systab_page *systab_page(void)
{
	return emu_ptr(emu->rt.base);
}

/**
 * emu_systab_update_crc() - recompute the header CRCs after a change
 */
void emu_systab_update_crc(void)
{
	emu->systab->hdr.crc32 = 0;
	emu->systab->hdr.crc32 =
		emu_crc32(0, emu->systab, emu->systab->hdr.headersize);
	emu->bs.hdr.crc32 = 0;
	emu->bs.hdr.crc32 = emu_crc32(0, &emu->bs, emu->bs.hdr.headersize);
}

static void rt_update_crc(efi_runtime_services_t *rt)
{
	rt->hdr.crc32 = 0;
	rt->hdr.crc32 = emu_crc32(0, rt, sizeof(*rt));
}

static efi_status_t svam_refused(void)
{
	emu_printf("efi-emu: SetVirtualAddressMap() refused: no runtime services\n");
	return EFI_UNSUPPORTED;
}

/* A runtime region the payload maps elsewhere than the first boot did. */
static efi_status_t svam_moved(u64 pa, u64 va, u64 was)
{
	emu_printf("efi-emu: SetVirtualAddressMap(): 0x%llx at 0x%llx, was 0x%llx\n",
		   (unsigned long long)pa, (unsigned long long)va,
		   (unsigned long long)was);
	return svam_refused();
}

/* The runtime region of the map that starts at @pa, or NULL. */
static const struct emu_region *rt_region(struct emu_memory *m, u64 pa)
{
	u32 i;

	for (i = 0; i < m->count; i++)
		if (m->map[i].start == pa &&
		    m->map[i].attr & EFI_MEMORY_RUNTIME)
			return &m->map[i];
	return NULL;
}

/*
 * Implements SetVirtualAddressMap() (UEFI 2.10, 8.4) for runtime services
 * that already run at the virtual addresses of the first boot: every
 * region of the first boot must keep its virtual address; the emulator's
 * own block may go anywhere, and the system table's pointers into it are
 * converted as firmware converts them.
 */
static efi_status_t __efiapi
set_virtual_address_map(unsigned long map_size, unsigned long desc_size,
			u32 desc_version, efi_memory_desc_t *map)
{
	struct systab_page *p = systab_page();
	const struct emu_region *r;
	const efi_memory_desc_t *d;
	unsigned long i, n, want = 0;
	u64 own = ~0ULL, delta;

	if (!emu->boot_services_exited || emu->rt.remapped)
		return EFI_UNSUPPORTED;
	if (!map || desc_size < sizeof(*d) || map_size % desc_size ||
	    desc_version != EFI_MEMORY_DESCRIPTOR_VERSION)
		return EFI_INVALID_PARAMETER;
	for (i = 0; i < emu->mem.count; i++)
		want += !!(emu->mem.map[i].attr & EFI_MEMORY_RUNTIME);
	n = map_size / desc_size;
	if (n != want) {
		emu_printf("efi-emu: SetVirtualAddressMap(): %lu regions, not %lu\n",
			   n, want);
		return svam_refused();
	}
	for (i = 0; i < n; i++) {
		d = (const void *)((const u8 *)map + i * desc_size);
		r = rt_region(&emu->mem, d->phys_addr);
		if (!r || r->pages != d->num_pages) {
			emu_printf("efi-emu: SetVirtualAddressMap(): no runtime region at 0x%llx\n",
				   (unsigned long long)d->phys_addr);
			return svam_refused();
		}
		if (r->start == emu->rt.base) {
			own = d->virt_addr;
			continue;
		}
		if (d->virt_addr != r->virt)
			return svam_moved(d->phys_addr, d->virt_addr, r->virt);
	}
	if (own == ~0ULL || own & (EFI_PAGE_SIZE - 1)) {
		emu_printf("efi-emu: SetVirtualAddressMap(): no place for the system table\n");
		return svam_refused();
	}

	delta = own - emu->rt.base;
	p->rt.services[RT_SET_VIRTUAL_ADDRESS_MAP] = emu->rt.fw_svam;
	rt_update_crc(&p->rt);
	p->st.fw_vendor = emu_ptr(emu_addr(p->vendor) + delta);
	p->st.tables = emu_ptr(emu_addr(p->tables) + delta);
	p->st.runtime = emu_ptr(emu_addr(&p->rt) + delta);
	emu_systab_update_crc();
	p->rt_prop.runtime_services_supported = emu->rt.mask;
	emu->rt.remapped = true;
	emu_printf("efi-emu: SetVirtualAddressMap(): first boot's map of %lu kept\n",
		   n - 1);
	return EFI_SUCCESS;
}

/*
 * ExitBootServices() succeeded.  Runtime services that need the first
 * boot's virtual addresses stay off until SetVirtualAddressMap() confirms
 * them.
 */
void emu_systab_exit_boot_services(void)
{
	if (emu->rt.needs_svam && !emu->rt.remapped)
		systab_page()->rt_prop.runtime_services_supported = 0;
}

/* Does the first boot's mapping of runtime regions differ from 1:1? */
static bool first_boot_remapped(struct emu_memory *m)
{
	u32 i;

	for (i = 0; i < m->count; i++)
		if (m->map[i].attr & EFI_MEMORY_RUNTIME &&
		    m->map[i].flags & EMU_REGION_VIRT &&
		    m->map[i].virt != m->map[i].start)
			return true;
	return false;
}

static u32 runtime_init(struct systab_page *p,
			const efi_runtime_services_t *fw, u32 mask)
{
	u32 i;

	if (fw && fw->hdr.signature == EFI_RUNTIME_SERVICES_SIGNATURE) {
		p->rt = *fw;
		emu->rt.fw_svam = p->rt.services[RT_SET_VIRTUAL_ADDRESS_MAP];
		emu->rt.mask = mask & ~EFI_RT_SUPPORTED_SET_VIRTUAL_ADDRESS_MAP;
		emu->rt.needs_svam = first_boot_remapped(&emu->mem);
		rt_update_crc(&p->rt);
		if (!emu->rt.needs_svam)
			return emu->rt.mask;
		p->rt.services[RT_SET_VIRTUAL_ADDRESS_MAP] =
			(void *)set_virtual_address_map;
		rt_update_crc(&p->rt);
		return emu->rt.mask | EFI_RT_SUPPORTED_SET_VIRTUAL_ADDRESS_MAP;
	}
	if (fw)
		emu_printf("efi-emu: the runtime services table is damaged; a stand-in serves\n");
	p->rt.hdr.signature = EFI_RUNTIME_SERVICES_SIGNATURE;
	p->rt.hdr.revision = EFI_2_100_SYSTEM_TABLE_REVISION;
	p->rt.hdr.headersize = sizeof(p->rt);
	for (i = 0; i < EMU_ARRAY_SIZE(p->rt.services); i++)
		p->rt.services[i] = (void *)rt_unsupported;
	p->rt.services[RT_GET_VARIABLE] = (void *)rt_not_found;
	p->rt.services[RT_GET_NEXT_VARIABLE_NAME] = (void *)rt_not_found;
	rt_update_crc(&p->rt);
	return 0;
}

/**
 * emu_systab_init() - build the system table
 * @fw:		what the host passes on of the firmware around it
 *
 * Return: EFI_SUCCESS or EFI_OUT_OF_RESOURCES.
 */
efi_status_t emu_systab_init(const struct emu_firmware *fw)
{
	static const efi_guid_t rt_prop_guid = EFI_RT_PROPERTIES_TABLE_GUID;
	struct systab_page *p;
	efi_status_t status;
	u64 addr = fw->rt_base;

	BUILD_CHECK(sizeof(*p) <= EMU_RT_SIZE);
	memset(&emu->rt, 0, sizeof(emu->rt));
	if (!addr) {
		status = emu_alloc_aligned(&emu->mem, EFI_RUNTIME_SERVICES_DATA,
					   EMU_RT_SIZE >> EFI_PAGE_SHIFT,
					   EMU_RT_SIZE, ~0ULL, &addr);
		if (status != EFI_SUCCESS)
			return status;
	}
	emu->rt.base = addr;
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
		.con_in_handle = emu->con_handle,
		.con_in = &emu->con_in,
		.con_out_handle = emu->con_handle,
		.con_out = &emu->con_out,
		.stderr_handle = emu->con_handle,
		.stderr = &emu->con_out,
		.runtime = &p->rt,
		.boottime = &emu->bs,
		.nr_tables = 0,
		.tables = p->tables,
	};
	emu->systab = &p->st;
	emu->tables = p->tables;
	p->rt_prop.version = 1;
	p->rt_prop.length = sizeof(p->rt_prop);
	p->rt_prop.runtime_services_supported =
		runtime_init(p, fw->runtime, fw->rt_mask);
	emu_systab_update_crc();
	return emu_install_configuration_table((efi_guid_t *)&rt_prop_guid,
					       &p->rt_prop);
}

/* struct linux_efi_memreserve, as far as the emulator needs it. */
struct memreserve_head {
	s32 size;
	s32 count;
	u64 next;
};

struct memreserve_entry {
	u64 base;
	u64 size;
};

/* Nodes never cross a 4 KiB boundary (efi_mem_reserve_persistent()). */
#define MEMRESERVE_MAX_ENTRIES	((4096 - sizeof(struct memreserve_head)) / \
				 sizeof(struct memreserve_entry))
#define MEMRESERVE_MAX_NODES	4096

/**
 * emu_keep_memreserve() - keep what the LINUX_EFI_MEMRESERVE list holds
 * @root:	physical address of the list's first node
 *
 * The running kernel adds to the list until the very end (a CPU brought
 * online after the image was loaded reserves its GICv3 LPI pending table
 * here), so the list is read again now, before anything is allocated:
 * every node and every range in it that is still free becomes
 * EfiBootServicesData, which the next kernel reserves again from the list.
 *
 * Return: EFI_SUCCESS; EFI_VOLUME_CORRUPTED for a node outside RAM, a
 * misaligned one or a cycle; EFI_OUT_OF_RESOURCES when the map is full.
 */
efi_status_t emu_keep_memreserve(u64 root)
{
	const struct memreserve_head *h;
	const struct memreserve_entry *ent;
	efi_status_t status;
	u32 nodes = 0;
	u64 pa, n, i;

	for (pa = root; pa; pa = h->next) {
		if (++nodes > MEMRESERVE_MAX_NODES || pa & 7 ||
		    !emu_mem_readable(&emu->mem, pa, sizeof(*h)))
			return EFI_VOLUME_CORRUPTED;
		h = emu_ptr(pa);
		n = h->size < 0 ? 0 : h->size;
		if (n > MEMRESERVE_MAX_ENTRIES)
			n = MEMRESERVE_MAX_ENTRIES;
		if (!emu_mem_readable(&emu->mem, pa, sizeof(*h) + n * sizeof(*ent)))
			return EFI_VOLUME_CORRUPTED;
		status = emu_mem_keep(&emu->mem, pa, sizeof(*h) + n * sizeof(*ent),
				      EFI_BOOT_SERVICES_DATA);
		if (status != EFI_SUCCESS)
			return status;
		if (h->count >= 0 && h->count < n)
			n = h->count;
		ent = (const void *)(h + 1);
		for (i = 0; i < n; i++) {
			if (!ent[i].size)
				continue;
			status = emu_mem_keep(&emu->mem, ent[i].base, ent[i].size,
					      EFI_BOOT_SERVICES_DATA);
			if (status != EFI_SUCCESS)
				return status;
		}
	}
	return EFI_SUCCESS;
}

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
	emu_systab_update_crc();
	return EFI_SUCCESS;
}
