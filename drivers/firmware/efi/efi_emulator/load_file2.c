// SPDX-License-Identifier: GPL-2.0
/*
 * The initrd, served as Linux expects since v5.8: EFI_LOAD_FILE2_PROTOCOL
 * on a handle whose device path is VenMedia(LINUX_EFI_INITRD_MEDIA_GUID).
 * The stub finds it with LocateDevicePath(), asks for the size with a NULL
 * buffer, allocates, and asks again.  The initrd stays where the kernel
 * side put it; LoadFile() copies it into the stub's buffer.
 */
#include "emulator.h"

static const struct {
	struct efi_vendor_dev_path vendor;
	struct efi_device_path end;
} __packed initrd_path = {
	{
		{ EFI_DEV_MEDIA, EFI_DEV_MEDIA_VENDOR,
		  sizeof(struct efi_vendor_dev_path) },
		LINUX_EFI_INITRD_MEDIA_GUID,
	},
	{ EFI_DEV_END_PATH, EFI_DEV_END_ENTIRE,
	  sizeof(struct efi_device_path) },
};

/* Implements EFI_LOAD_FILE2_PROTOCOL.LoadFile() (UEFI 2.10, 13.2). */
static efi_status_t __efiapi load_initrd(efi_load_file2_protocol_t *this,
					 struct efi_device_path *path,
					 bool boot_policy, unsigned long *size,
					 void *buffer)
{
	if (this != &emu->initrd_lf2 || !path || !size)
		return EFI_INVALID_PARAMETER;
	/* LoadFile2 is never a boot-option load. */
	if (boot_policy)
		return EFI_UNSUPPORTED;
	/* What is left of the path after LocateDevicePath(): its end. */
	if (path->type != EFI_DEV_END_PATH)
		return EFI_NOT_FOUND;
	if (!buffer || *size < emu->initrd_size) {
		*size = emu->initrd_size;
		return EFI_BUFFER_TOO_SMALL;
	}
	memcpy(buffer, emu_ptr(emu->initrd_base), emu->initrd_size);
	*size = emu->initrd_size;
	return EFI_SUCCESS;
}

/**
 * emu_install_initrd() - offer an initrd to the payload over LoadFile2
 * @base:	where the initrd is
 * @size:	its size; 0 installs nothing, so a UKI's own initrd can be
 *		registered by its stub instead
 *
 * Return: EFI_SUCCESS or an error from the handle database.
 */
efi_status_t emu_install_initrd(u64 base, u64 size)
{
	static const efi_guid_t dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
	static const efi_guid_t lf2_guid = EFI_LOAD_FILE2_PROTOCOL_GUID;
	efi_handle_t handle = NULL;
	efi_status_t status;

	if (!size)
		return EFI_SUCCESS;
	emu->initrd_base = base;
	emu->initrd_size = size;
	emu->initrd_lf2.load_file = load_initrd;
	status = emu_install_protocol(&handle, &dp_guid, (void *)&initrd_path);
	if (status != EFI_SUCCESS)
		return status;
	status = emu_install_protocol(&handle, &lf2_guid, &emu->initrd_lf2);
	if (status != EFI_SUCCESS)
		emu_uninstall_protocol(handle, &dp_guid, (void *)&initrd_path);
	return status;
}
