// SPDX-License-Identifier: GPL-2.0
/*
 * Memory permissions while the payload runs, and
 * EFI_MEMORY_ATTRIBUTE_PROTOCOL to change them.
 *
 * No page is writable and executable unless a payload asks for it:
 * free RAM and every data allocation are non-executable, the sections of
 * an image LoadImage() loads get the permissions their PE headers ask for
 * (code read-only and executable, data non-executable, headers
 * read-only), and allocations of the code types (EfiLoaderCode,
 * EfiBootServicesCode, EfiRuntimeServicesCode) are executable, as EDK2's
 * NX policy leaves them, for the kernel a stub copies there.  A stub then
 * restricts that copy itself through the protocol (the kernel's stub does:
 * efi_remap_image()).  The platform owns the page tables: its set_attrs()
 * and get_attrs() hooks change and read them; without them the protocol
 * is not installed and nothing changes.
 */
#include <linux/pe.h>
#include "emulator.h"

#define ATTR_MASK	(EFI_MEMORY_RP | EFI_MEMORY_RO | EFI_MEMORY_XP)

static bool can_protect(void)
{
	return emu->ops->set_attrs && emu->ops->get_attrs;
}

/**
 * emu_mem_protect() - give whole pages exactly these permissions
 * @base:	page aligned
 * @size:	bytes, rounded up to whole pages
 * @attrs:	the EFI_MEMORY_RP, _RO and _XP bits to have; the others of
 *		these three are cleared
 *
 * Return: EFI_SUCCESS (also when the platform has no page tables to
 * change), or what the platform's hook returned.
 */
efi_status_t emu_mem_protect(u64 base, u64 size, u64 attrs)
{
	size = (size + EFI_PAGE_SIZE - 1) & ~(u64)(EFI_PAGE_SIZE - 1);
	if (!can_protect() || !size)
		return EFI_SUCCESS;
	return emu->ops->set_attrs(base, size, attrs & ATTR_MASK,
				   ~attrs & ATTR_MASK);
}

static bool is_code_type(u32 type)
{
	return type == EFI_LOADER_CODE || type == EFI_BOOT_SERVICES_CODE ||
	       type == EFI_RUNTIME_SERVICES_CODE;
}

/**
 * emu_protect_allocation() - permissions of memory a payload allocated
 * @base:	first page
 * @pages:	number of pages
 * @type:	its memory type; EFI_CONVENTIONAL_MEMORY when it was freed
 */
void emu_protect_allocation(u64 base, u64 pages, u32 type)
{
	emu_mem_protect(base, pages << EFI_PAGE_SHIFT,
			is_code_type(type) ? 0 : EFI_MEMORY_XP);
}

/**
 * emu_protect_image() - permissions of a loaded image, from its sections
 * @base:	where it was loaded
 * @pages:	pages allocated for it
 * @file:	its PE file
 * @pe:		what emu_pe_parse() found
 *
 * An image whose sections are not page aligned (a SectionAlignment below
 * a page, or a section that starts inside one, as .sdmagic does in
 * Debian's x86 systemd-stub) cannot be protected per section and stays
 * writable and executable, as EDK2 leaves it.  A
 * section that asks for write and execute gets both.
 */
static bool sections_page_aligned(const void *file,
				  const struct emu_pe_info *pe)
{
	u32 i, rva, size, flags;

	if (pe->section_align < EFI_PAGE_SIZE)
		return false;
	for (i = 0; i < pe->nr_sections; i++) {
		emu_pe_section(file, pe, i, &rva, &size, &flags);
		if (rva & (EFI_PAGE_SIZE - 1))
			return false;
	}
	return true;
}

void emu_protect_image(u64 base, u64 pages, const void *file,
		       const struct emu_pe_info *pe)
{
	u32 i, rva, size, flags;
	u64 attrs;

	if (!sections_page_aligned(file, pe)) {
		emu_mem_protect(base, pages << EFI_PAGE_SHIFT, 0);
		return;
	}
	emu_mem_protect(base, pages << EFI_PAGE_SHIFT, EFI_MEMORY_XP);
	emu_mem_protect(base, pe->header_size,
			EFI_MEMORY_RO | EFI_MEMORY_XP);
	for (i = 0; i < pe->nr_sections; i++) {
		emu_pe_section(file, pe, i, &rva, &size, &flags);
		if (flags & IMAGE_SCN_MEM_EXECUTE)
			attrs = flags & IMAGE_SCN_MEM_WRITE ? 0 : EFI_MEMORY_RO;
		else if (flags & IMAGE_SCN_MEM_WRITE)
			attrs = EFI_MEMORY_XP;
		else
			attrs = EFI_MEMORY_RO | EFI_MEMORY_XP;
		emu_mem_protect(base + rva, size, attrs);
	}
}

static efi_status_t check_args(u64 base, u64 len, u64 attrs)
{
	if (!len || (base | len) & (EFI_PAGE_SIZE - 1) || base + len < base)
		return EFI_INVALID_PARAMETER;
	if (!attrs || attrs & ~ATTR_MASK)
		return EFI_INVALID_PARAMETER;
	if (emu->boot_services_exited)
		return EFI_UNSUPPORTED;
	return EFI_SUCCESS;
}

/* Implements GetMemoryAttributes() (UEFI 2.10, 37.7). */
static efi_status_t __efiapi
get_memory_attributes(efi_memory_attribute_protocol_t *this,
		      efi_physical_addr_t base, u64 len, u64 *attrs)
{
	efi_status_t status = check_args(base, len, EFI_MEMORY_XP);

	emu->memattr_calls[0]++;
	if (status != EFI_SUCCESS)
		return status;
	if (!attrs)
		return EFI_INVALID_PARAMETER;
	return emu->ops->get_attrs(base, len, attrs);
}

/* Implements SetMemoryAttributes() (UEFI 2.10, 37.7). */
static efi_status_t __efiapi
set_memory_attributes(efi_memory_attribute_protocol_t *this,
		      efi_physical_addr_t base, u64 len, u64 attrs)
{
	efi_status_t status = check_args(base, len, attrs);

	emu->memattr_calls[1]++;
	if (status != EFI_SUCCESS)
		return status;
	return emu->ops->set_attrs(base, len, attrs, 0);
}

/* Implements ClearMemoryAttributes() (UEFI 2.10, 37.7). */
static efi_status_t __efiapi
clear_memory_attributes(efi_memory_attribute_protocol_t *this,
			efi_physical_addr_t base, u64 len, u64 attrs)
{
	efi_status_t status = check_args(base, len, attrs);

	emu->memattr_calls[2]++;
	if (status != EFI_SUCCESS)
		return status;
	return emu->ops->set_attrs(base, len, 0, attrs);
}

/**
 * emu_install_memattr() - install EFI_MEMORY_ATTRIBUTE_PROTOCOL
 *
 * Only a platform that can change its page tables gets it.
 *
 * Return: EFI_SUCCESS (also when there is nothing to install).
 */
efi_status_t emu_install_memattr(void)
{
	static const efi_guid_t guid = EFI_MEMORY_ATTRIBUTE_PROTOCOL_GUID;
	efi_handle_t handle = NULL;

	if (!can_protect())
		return EFI_SUCCESS;
	emu->memattr.get_memory_attributes = get_memory_attributes;
	emu->memattr.set_memory_attributes = set_memory_attributes;
	emu->memattr.clear_memory_attributes = clear_memory_attributes;
	return emu_install_protocol(&handle, &guid, &emu->memattr);
}

/**
 * emu_memattr_report() - say how the payload used the protocol
 */
void emu_memattr_report(void)
{
	if (can_protect())
		emu_printf("efi-emu: memory attributes: get %u, set %u, clear %u\n",
			   emu->memattr_calls[0], emu->memattr_calls[1],
			   emu->memattr_calls[2]);
}
