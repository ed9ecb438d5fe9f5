// SPDX-License-Identifier: GPL-2.0
/*
 * LoadImage(), StartImage(), Exit() and UnloadImage().
 *
 * Images come from memory buffers only: the emulator has no block devices
 * or file systems, and it must not have them, because the signed PE the
 * kernel verified is the only executable input (systemd-stub hands over
 * its embedded .linux from memory too).  Each image gets pages of its own,
 * aligned to its SectionAlignment, and a handle with the loaded image
 * protocol.  StartImage() keeps a jump buffer so Exit() can return to it
 * from any depth; applications are unloaded when they return, as EDK2
 * does.
 */
#include "emulator.h"

#define IMAGE_MAGIC 0x45474d4955554d45ULL /* "EMUUIMGE" */

static struct emu_image *get_image(efi_handle_t handle)
{
	static const efi_guid_t li_guid = LOADED_IMAGE_PROTOCOL_GUID;
	struct emu_handle *h = emu_handle_get(handle);
	struct emu_image *img;

	if (!h)
		return NULL;
	img = emu_handle_find(h, &li_guid);
	/* A payload may install its own loaded image protocol elsewhere. */
	if (!img || img->magic != IMAGE_MAGIC || img->handle != h)
		return NULL;
	return img;
}

static void free_image(struct emu_image *img)
{
	static const efi_guid_t li_guid = LOADED_IMAGE_PROTOCOL_GUID;
	static const efi_guid_t dp_guid =
		EFI_LOADED_IMAGE_DEVICE_PATH_PROTOCOL_GUID;

	if (img->path) {
		emu_uninstall_protocol(img->handle, &dp_guid, img->path);
		emu_free_pool(&emu->mem, img->path);
	}
	emu_uninstall_protocol(img->handle, &li_guid, img);
	emu_free_pages(&emu->mem, img->base, img->pages);
	emu_protect_allocation(img->base, img->pages, EFI_CONVENTIONAL_MEMORY);
	img->magic = 0;
	emu_free_pool(&emu->mem, img);
}

static efi_status_t copy_path(struct emu_image *img,
			      struct efi_device_path *path)
{
	static const efi_guid_t dp_guid =
		EFI_LOADED_IMAGE_DEVICE_PATH_PROTOCOL_GUID;
	size_t size;
	efi_status_t status;

	if (!path)
		return EFI_SUCCESS;
	size = emu_device_path_size(path, 4096);
	if (!size)
		return EFI_INVALID_PARAMETER;
	status = emu_allocate_pool(&emu->mem, EFI_BOOT_SERVICES_DATA, size,
				   (void **)&img->path);
	if (status != EFI_SUCCESS)
		return status;
	memcpy(img->path, path, size);
	img->li.file_path = img->path;
	return emu_install_protocol((efi_handle_t *)&img->handle, &dp_guid,
				    img->path);
}

/**
 * emu_load_image_buffer() - load a PE image from memory and give it a handle
 * @parent:	parent image handle, NULL for the first payload
 * @buf:	the PE file
 * @size:	its size
 * @path:	device path it came from, or NULL
 * @handle:	out: the new image handle
 *
 * Return: EFI_SUCCESS; EFI_LOAD_ERROR or EFI_UNSUPPORTED (with the reason
 * on the console) for images the PE loader refuses; EFI_OUT_OF_RESOURCES.
 */
efi_status_t emu_load_image_buffer(efi_handle_t parent, const void *buf,
				   u64 size, struct efi_device_path *path,
				   efi_handle_t *handle)
{
	static const efi_guid_t li_guid = LOADED_IMAGE_PROTOCOL_GUID;
	struct emu_pe_info pe;
	struct emu_image *img;
	const char *why = NULL;
	efi_status_t status;
	u64 base, pages, align;

	status = emu_pe_parse(buf, size, EMU_PE_MACHINE, &pe, &why);
	if (status != EFI_SUCCESS) {
		emu_printf("efi-emu: refusing image: %s\n", why);
		return status;
	}
	pages = ((u64)pe.image_size + EFI_PAGE_SIZE - 1) >> EFI_PAGE_SHIFT;
	align = pe.section_align > EFI_PAGE_SIZE ? pe.section_align :
						   EFI_PAGE_SIZE;
	status = emu_alloc_aligned(&emu->mem, EFI_LOADER_CODE, pages, align,
				   ~0ULL, &base);
	if (status != EFI_SUCCESS) {
		emu_printf("efi-emu: no room for a %u byte image\n",
			   pe.image_size);
		return status;
	}
	status = emu_pe_load(buf, size, &pe, emu_ptr(base),
			     pages << EFI_PAGE_SHIFT, &why);
	if (status == EFI_SUCCESS)
		status = emu_pe_relocate(emu_ptr(base), &pe, base, &why);
	if (status != EFI_SUCCESS) {
		emu_printf("efi-emu: cannot load image: %s\n", why);
		goto free_pages;
	}
	if (emu->ops->sync_code)
		emu->ops->sync_code(emu_ptr(base), pe.image_size);
	emu_protect_image(base, pages, buf, &pe);

	status = emu_allocate_pool(&emu->mem, EFI_BOOT_SERVICES_DATA,
				   sizeof(*img), (void **)&img);
	if (status != EFI_SUCCESS)
		goto free_pages;
	memset(img, 0, sizeof(*img));
	img->magic = IMAGE_MAGIC;
	img->base = base;
	img->pages = pages;
	img->entry = emu_ptr(base + pe.entry);
	img->li = (efi_loaded_image_t){
		.revision = EFI_LOADED_IMAGE_PROTOCOL_REVISION,
		.parent_handle = parent,
		.system_table = emu->systab,
		.image_base = emu_ptr(base),
		.image_size = pe.image_size,
		.image_code_type = EFI_LOADER_CODE,
		.image_data_type = EFI_LOADER_DATA,
		.unload = NULL,
	};
	status = emu_install_protocol((efi_handle_t *)&img->handle, &li_guid,
				      img);
	if (status != EFI_SUCCESS) {
		emu_free_pool(&emu->mem, img);
		goto free_pages;
	}
	status = copy_path(img, path);
	if (status != EFI_SUCCESS) {
		free_image(img);
		return status;
	}
	*handle = img->handle;
	return EFI_SUCCESS;

free_pages:
	emu_free_pages(&emu->mem, base, pages);
	emu_protect_allocation(base, pages, EFI_CONVENTIONAL_MEMORY);
	return status;
}

/*
 * Implements LoadImage() (UEFI 2.10, 7.4) for images in memory.  Loading
 * from a device path would mean a file system the emulator does not have;
 * it answers as firmware without one does.
 */
efi_status_t emu_load_image(bool boot_policy, efi_handle_t parent,
			    struct efi_device_path *path, void *src,
			    unsigned long size, efi_handle_t *image)
{
	emu_called(load_image);
	if (!image || !get_image(parent))
		return EFI_INVALID_PARAMETER;
	if (!src) {
		emu_printf("efi-emu: %s() from a device path is not supported\n",
			   "LoadImage");
		return EFI_NOT_FOUND;
	}
	return emu_load_image_buffer(parent, src, size, path, image);
}

/* Implements StartImage() (UEFI 2.10, 7.4). */
efi_status_t emu_start_image(efi_handle_t handle, unsigned long *exit_data_size,
			     efi_char16_t **exit_data)
{
	emu_called(start_image);
	return emu_run_image(handle, exit_data_size, exit_data);
}

/**
 * emu_run_image() - StartImage() without the trace, for the first payload
 * @handle:		image handle
 * @exit_data_size:	out, may be NULL: always 0
 * @exit_data:		out, may be NULL: always NULL
 *
 * Return: what the image returned or passed to Exit().
 */
efi_status_t emu_run_image(efi_handle_t handle, unsigned long *exit_data_size,
			   efi_char16_t **exit_data)
{
	struct emu_image *img = get_image(handle);
	efi_status_t status;

	if (!img || img->started)
		return EFI_INVALID_PARAMETER;
	img->started = true;
	img->prev_running = emu->running;
	emu->running = img;

	/*
	 * Exit() comes back here with exit_status set.  Locals may not
	 * survive the jump; the running image is in the state.
	 */
	if (!__builtin_setjmp(img->jmp))
		img->exit_status = img->entry(handle, emu->systab);

	img = emu->running;
	emu->running = img->prev_running;
	status = img->exit_status;
	if (exit_data_size)
		*exit_data_size = 0;
	if (exit_data)
		*exit_data = NULL;
	free_image(img);
	return status;
}

/* Implements Exit() (UEFI 2.10, 7.4): only the running image may exit. */
efi_status_t emu_exit(efi_handle_t handle, efi_status_t status,
		      unsigned long exit_data_size, efi_char16_t *exit_data)
{
	struct emu_image *img = get_image(handle);

	emu_called(exit);
	if (!img)
		return EFI_INVALID_PARAMETER;
	if (exit_data)
		emu_free_pool(&emu->mem, exit_data);
	if (!img->started) {
		free_image(img);
		return EFI_SUCCESS;
	}
	if (img != emu->running)
		return EFI_INVALID_PARAMETER;
	img->exit_status = status;
	__builtin_longjmp(img->jmp, 1);
}

/*
 * Implements UnloadImage() (UEFI 2.10, 7.4).  Started images have no
 * unload function (they are applications), so only unstarted ones go.
 */
efi_status_t emu_unload_image(efi_handle_t handle)
{
	struct emu_image *img = get_image(handle);

	emu_called(unload_image);
	if (!img)
		return EFI_INVALID_PARAMETER;
	if (img->started)
		return EFI_UNSUPPORTED;
	free_image(img);
	return EFI_SUCCESS;
}
