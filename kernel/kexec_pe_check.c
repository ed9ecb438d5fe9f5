// SPDX-License-Identifier: GPL-2.0
/*
 * The EFI emulator's PE/COFF checks and UTF-16 conversion, built into the
 * kernel as well.  kexec_file_load() of a PE image refuses at load time,
 * with a reason, exactly what the emulator would refuse after kexec -e,
 * when all it could do is print and reset.  The code is the emulator's
 * (drivers/firmware/efi/efi_emulator/), not a second implementation.
 */
#define pr_fmt(fmt)	"kexec_file(PE): " fmt

#include <linux/efi_emulator.h>
#include <linux/errno.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "../drivers/firmware/efi/efi_emulator/pe.c"
#include "../drivers/firmware/efi/efi_emulator/lib.c"
#include "../drivers/firmware/efi/efi_emulator/memory.c"
#include "../drivers/firmware/efi/efi_emulator/param.c"

/**
 * kexec_pe_check() - validate a PE image as the emulator will load it
 * @buf:	the file
 * @len:	its size
 * @machine:	the machine type this kernel serves
 * @image_size:	out: SizeOfImage
 *
 * Headers, sections and the entry point are checked against the file,
 * then the image is loaded into a scratch buffer and its relocations
 * walked, so a bad relocation table is refused now rather than at boot.
 *
 * Return: 0, -ENOEXEC for a malformed or foreign image, -ENOMEM.
 */
int kexec_pe_check(const void *buf, unsigned long len, u16 machine,
		   u32 *image_size)
{
	struct emu_pe_info pe;
	const char *why = "";
	efi_status_t status;
	void *img;

	status = emu_pe_parse(buf, len, machine, &pe, &why);
	if (status != EFI_SUCCESS) {
		pr_err("refusing PE image: %s\n", why);
		return -ENOEXEC;
	}
	img = vmalloc(pe.image_size);
	if (!img)
		return -ENOMEM;
	status = emu_pe_load(buf, len, &pe, img, pe.image_size, &why);
	if (status == EFI_SUCCESS)
		status = emu_pe_relocate(img, &pe, pe.image_base + SZ_2M, &why);
	vfree(img);
	if (status != EFI_SUCCESS) {
		pr_err("refusing PE image: %s\n", why);
		return -ENOEXEC;
	}
	*image_size = pe.image_size;
	return 0;
}

/**
 * kexec_pe_check_map() - seed the emulator's memory map from the blob
 * @param:	the parameter blob, complete
 *
 * The emulator does the same after kexec -e (param.c); what it would
 * refuse then is refused now.
 *
 * Return: 0, -EINVAL for a map it would refuse, -ENOMEM.
 */
int kexec_pe_check_map(const struct efi_emulator_param *param)
{
	const struct efi_emulator_memdesc *d;
	struct emu_memory m;
	struct emu_region *regions;
	efi_status_t status;
	bool reserved;
	u32 bad;

	regions = kvcalloc(EMU_MAX_REGIONS, sizeof(*regions), GFP_KERNEL);
	if (!regions)
		return -ENOMEM;
	emu_mem_init(&m, regions, EMU_MAX_REGIONS);
	status = emu_seed_memory(&m, param, &bad);
	kvfree(regions);
	if (status == EFI_SUCCESS)
		return 0;
	reserved = bad >= param->memmap_count;
	if (reserved)
		bad -= param->memmap_count;
	d = (const void *)((const u8 *)param + (reserved ?
						param->reserved_offset :
						param->memmap_offset));
	if (status == EFI_OUT_OF_RESOURCES)
		pr_err("the memory map needs more than the emulator's %u regions\n",
		       EMU_MAX_REGIONS);
	else if (reserved)
		pr_err("in-use range 0x%llx (%llu pages, type %u) is not inside one free region\n",
		       d[bad].phys_addr, d[bad].num_pages, d[bad].type);
	else
		pr_err("memory map entry 0x%llx (%llu pages, type %u) overlaps another or is malformed\n",
		       d[bad].phys_addr, d[bad].num_pages, d[bad].type);
	return -EINVAL;
}

/**
 * kexec_pe_has_section() - does a PE image have a section of this name?
 * @buf:	the file, already accepted by kexec_pe_check()
 * @len:	its size
 * @machine:	the machine type this kernel serves
 * @name:	section name, at most 8 characters
 *
 * Return: true if it has one with data in the file.
 */
bool kexec_pe_has_section(const void *buf, unsigned long len, u16 machine,
			  const char *name)
{
	struct emu_pe_info pe;
	u32 off, size;

	if (emu_pe_parse(buf, len, machine, &pe, NULL) != EFI_SUCCESS)
		return false;
	return emu_pe_find_section(buf, &pe, name, &off, &size);
}

/**
 * kexec_pe_utf16() - convert the command line for LoadOptions
 * @s:		UTF-8 command line
 * @len:	its length
 * @out:	output, NULL to ask for the size
 * @out_len:	in: capacity in UTF-16 units; out: units needed with the NUL
 *
 * Return: 0, -ENOSPC if @out is too small, -EINVAL for malformed UTF-8.
 */
int kexec_pe_utf16(const char *s, size_t len, u16 *out, size_t *out_len)
{
	switch (emu_utf8_to_utf16(s, len, out, out_len)) {
	case EFI_SUCCESS:
		return 0;
	case EFI_BUFFER_TOO_SMALL:
		return -ENOSPC;
	default:
		return -EINVAL;
	}
}
