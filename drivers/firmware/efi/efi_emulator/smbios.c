// SPDX-License-Identifier: GPL-2.0
/*
 * EFI_SMBIOS_PROTOCOL over the SMBIOS table the first boot's firmware
 * published, read-only: GetNext() walks the structures, Add(), Remove()
 * and UpdateString() are refused.  The Linux stub asks it for the type 4
 * record to recognise Ampere eMAG/Altra (libstub smbios.c, arm64.c), whose
 * firmware needs SetVirtualAddressMap(); without the protocol the next
 * stub would take the machine for another.
 */
#include "emulator.h"

#define SMBIOS_END_OF_TABLE	127
#define SMBIOS_MAX_TABLE	(16U << 20)

/* The table: an SMBIOS 3 entry point if there is one, else SMBIOS 2. */
static bool find_table(void)
{
	static const efi_guid_t smbios3 = SMBIOS3_TABLE_GUID;
	static const efi_guid_t smbios = SMBIOS_TABLE_GUID;
	const u8 *ep = NULL;
	bool v3 = false;
	u64 addr, size;
	u32 v32;
	u16 v16;
	unsigned long i;

	for (i = 0; i < emu->systab->nr_tables && !v3; i++) {
		if (emu_guid_eq(&emu->tables[i].guid, &smbios3)) {
			ep = emu->tables[i].table;
			v3 = true;
		} else if (emu_guid_eq(&emu->tables[i].guid, &smbios)) {
			ep = emu->tables[i].table;
		}
	}
	if (!ep || !emu_mem_readable(&emu->mem, emu_addr(ep), v3 ? 0x18 : 0x1f))
		return false;
	if (v3) {
		if (memcmp(ep, "_SM3_", 5))
			return false;
		memcpy(&v32, ep + 0x0c, sizeof(v32));	/* maximum size */
		memcpy(&addr, ep + 0x10, sizeof(addr));
		size = v32;
	} else {
		if (memcmp(ep, "_SM_", 4) || memcmp(ep + 0x10, "_DMI_", 5))
			return false;
		memcpy(&v16, ep + 0x16, sizeof(v16));
		memcpy(&v32, ep + 0x18, sizeof(v32));
		addr = v32;
		size = v16;
	}
	if (!size || size > SMBIOS_MAX_TABLE ||
	    !emu_mem_readable(&emu->mem, addr, size))
		return false;
	emu->smbios.base = addr;
	emu->smbios.size = size;
	emu->smbios.proto.major_version = ep[v3 ? 0x07 : 0x06];
	emu->smbios.proto.minor_version = ep[v3 ? 0x08 : 0x07];
	return true;
}

/*
 * The structure at @off: its formatted part and the string set behind it
 * (ending in two NULs) must lie in the table.  Return the offset of the
 * next one, or 0 for a malformed or final structure.
 */
static u32 next_structure(const u8 *t, u32 size, u32 off)
{
	const struct efi_smbios_record *r = (const void *)(t + off);
	u32 p;

	if (size - off < sizeof(*r) || r->length < sizeof(*r) ||
	    r->length > size - off)
		return 0;
	for (p = off + r->length; p + 1 < size; p++)
		if (!t[p] && !t[p + 1])
			return p + 2;
	return 0;
}

/* Implements EFI_SMBIOS_PROTOCOL.GetNext() (UEFI PI 1.8, vol. 5, 6.2). */
static efi_status_t __efiapi smbios_get_next(efi_smbios_protocol_t *this,
					     u16 *handle, u8 *type,
					     struct efi_smbios_record **record,
					     efi_handle_t *producer)
{
	const u8 *t = emu_ptr(emu->smbios.base);
	u32 size = emu->smbios.size, off = 0, next;
	const struct efi_smbios_record *r;
	bool after;

	if (this != &emu->smbios.proto || !handle || !record)
		return EFI_INVALID_PARAMETER;
	after = *handle == 0xfffe;
	for (; off < size; off = next) {
		r = (const void *)(t + off);
		next = next_structure(t, size, off);
		if (!next || r->type == SMBIOS_END_OF_TABLE)
			break;
		if (!after) {
			after = r->handle == *handle;
			continue;
		}
		if (type && r->type != *type)
			continue;
		*handle = r->handle;
		*record = (struct efi_smbios_record *)r;
		if (producer)
			*producer = NULL;
		return EFI_SUCCESS;
	}
	*handle = 0xfffe;
	return EFI_NOT_FOUND;
}

static efi_status_t __efiapi smbios_add(efi_smbios_protocol_t *this,
					efi_handle_t producer, u16 *handle,
					struct efi_smbios_record *record)
{
	return EFI_ACCESS_DENIED;
}

static efi_status_t __efiapi smbios_update_string(efi_smbios_protocol_t *this,
						  u16 *handle,
						  unsigned long *string_number,
						  u8 *string)
{
	return EFI_ACCESS_DENIED;
}

static efi_status_t __efiapi smbios_remove(efi_smbios_protocol_t *this,
					   u16 handle)
{
	return EFI_ACCESS_DENIED;
}

/**
 * emu_install_smbios() - offer EFI_SMBIOS_PROTOCOL over the SMBIOS table
 *
 * Only when an SMBIOS (3) table is installed whose entry point and
 * structures lie in memory the emulator may read.
 *
 * Return: EFI_SUCCESS (also when there is nothing to offer).
 */
efi_status_t emu_install_smbios(void)
{
	static const efi_guid_t guid = EFI_SMBIOS_PROTOCOL_GUID;
	efi_handle_t handle = NULL;

	if (!find_table())
		return EFI_SUCCESS;
	emu->smbios.proto.add = smbios_add;
	emu->smbios.proto.update_string = smbios_update_string;
	emu->smbios.proto.remove = smbios_remove;
	emu->smbios.proto.get_next = smbios_get_next;
	return emu_install_protocol(&handle, &guid, &emu->smbios.proto);
}
