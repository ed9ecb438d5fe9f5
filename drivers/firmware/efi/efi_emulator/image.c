// SPDX-License-Identifier: GPL-2.0
/*
 * LoadImage(), StartImage(), Exit() and UnloadImage().
 *
 * Images come from memory buffers, or from a LoadFile2 protocol the
 * calling image installed (an older zboot stub's decompressed kernel): the
 * emulator has no block devices or file systems, and it must not have
 * them, because the signed PE the kernel verified is the only executable
 * input (systemd-stub hands over its embedded .linux from memory too).
 * Each image gets pages of its own, aligned to its SectionAlignment, and a
 * handle with the loaded image protocol.  StartImage() keeps a jump
 * buffer so Exit() can return to it from any depth; applications are
 * unloaded when they return, as EDK2 does.
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
	img = emu_search_protocol(h, &li_guid);
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

	emu_close_opens_of(img->handle);
	if (img->path) {
		emu_remove_protocol(img->handle, &dp_guid);
		emu_free_pool(&emu->mem, img->path);
	}
	emu_remove_protocol(img->handle, &li_guid);
	if (img->options)
		emu_free_pool(&emu->mem, img->options);
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
	img->kernel = emu_pe_is_kernel(buf, size, EMU_PE_MACHINE);
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
 * The EFI_LOAD_FILE2 (else EFI_LOAD_FILE) protocol on the handle whose
 * device path leads @path, if the image now running installed it itself:
 * any other source (a device, a file system, the emulator's own initrd
 * provider) would let bytes run that no signature covered.  A boot-policy
 * load asks for a boot option, which only LoadFile serves (EDK2's
 * GetFileBufferByFilePath() skips LoadFile2 then too).
 */
static efi_load_file2_protocol_t *payload_load_file(struct efi_device_path **path,
						    bool boot_policy, bool *lf2)
{
	static const efi_guid_t guids[] = { EFI_LOAD_FILE2_PROTOCOL_GUID,
					    EFI_LOAD_FILE_PROTOCOL_GUID };
	struct efi_device_path *rest;
	struct emu_protocol *p;
	efi_handle_t dev;
	u32 i;

	for (i = boot_policy ? 1 : 0; i < EMU_ARRAY_SIZE(guids); i++) {
		rest = *path;
		if (emu_locate_device_path(&guids[i], &rest, &dev) != EFI_SUCCESS)
			continue;
		p = emu_handle_proto(emu_handle_get(dev), &guids[i]);
		if (!p || !p->owner || p->owner != emu->running)
			return NULL;
		*path = rest;
		*lf2 = !i;
		return p->iface;
	}
	return NULL;
}

/*
 * LoadImage() without a buffer (UEFI 2.10, 7.4; EDK2's and U-Boot's
 * loaders): the file comes from LoadFile() on the handle LocateDevicePath()
 * finds for @path, in two calls (size, then data).  The 6.1 to 6.3 zboot
 * stubs hand over their decompressed kernel this way.
 */
static efi_status_t load_image_from_path(bool boot_policy, efi_handle_t parent,
					 struct efi_device_path *path,
					 efi_handle_t *image)
{
	struct efi_device_path *rest = path;
	efi_load_file2_protocol_t *lf;
	unsigned long size = 0;
	efi_status_t status;
	void *buf = NULL;
	bool lf2;

	if (!path || !emu_device_path_size(path, EMU_MAX_PATH_SIZE))
		return EFI_INVALID_PARAMETER;
	lf = payload_load_file(&rest, boot_policy, &lf2);
	if (!lf) {
		emu_printf("efi-emu: %s(): no LoadFile of the caller serves that path: refused\n",
			   "LoadImage");
		return EFI_NOT_FOUND;
	}
	status = lf->load_file(lf, rest, boot_policy, &size, NULL);
	if (status != EFI_BUFFER_TOO_SMALL)
		return status == EFI_SUCCESS ? EFI_LOAD_ERROR : status;
	status = emu_allocate_pool(&emu->mem, EFI_BOOT_SERVICES_DATA, size,
				   &buf);
	if (status != EFI_SUCCESS)
		return status;
	status = lf->load_file(lf, rest, boot_policy, &size, buf);
	if (status == EFI_SUCCESS) {
		emu_printf("efi-emu: %s() through the caller's LoadFile%s: %lu bytes\n",
			   "LoadImage", lf2 ? "2" : "", size);
		status = emu_load_image_buffer(parent, buf, size, path, image);
	}
	emu_free_pool(&emu->mem, buf);
	return status;
}

/*
 * Implements LoadImage() (UEFI 2.10, 7.4): from a memory buffer, or from
 * a LoadFile2/LoadFile protocol the calling image installed.  Loading from
 * anything else would mean a device or file system the emulator does not
 * have; it answers as firmware without one does.
 */
efi_status_t emu_load_image(bool boot_policy, efi_handle_t parent,
			    struct efi_device_path *path, void *src,
			    unsigned long size, efi_handle_t *image)
{
	if (!image || !get_image(parent))
		return EFI_INVALID_PARAMETER;
	if (!src)
		return load_image_from_path(boot_policy, parent, path, image);
	return emu_load_image_buffer(parent, src, size, path, image);
}

/*
 * The kernel's command line as its stub will read it: the LoadOptions
 * whoever loaded it set (up to their first NUL), a space, the kernel
 * arguments (emu_set_kernel_args()).  The caller's buffer stays theirs.
 */
static efi_status_t add_kernel_args(struct emu_image *img)
{
	const efi_char16_t *old = img->li.load_options;
	u32 n = 0, max = img->li.load_options_size / sizeof(*old);
	u32 len = emu->kernel_args_len;
	efi_char16_t *opts;
	efi_status_t status;
	char text[128];

	while (old && n < max && old[n])
		n++;
	status = emu_allocate_pool(&emu->mem, EFI_LOADER_DATA,
				   (n + 1 + len + 1) * sizeof(*opts),
				   (void **)&opts);
	if (status != EFI_SUCCESS)
		return status;
	if (n) {
		memcpy(opts, old, n * sizeof(*opts));
		opts[n++] = ' ';
	}
	memcpy(opts + n, emu->kernel_args, len * sizeof(*opts));
	n += len;
	opts[n++] = 0;
	img->options = opts;
	img->li.load_options = opts;
	img->li.load_options_size = n * sizeof(*opts);
	emu_exit_data_string(emu->kernel_args, len * sizeof(*opts), text,
			     sizeof(text));
	emu_printf("efi-emu: kernel command line += \"%s\"\n", text);
	return EFI_SUCCESS;
}

/**
 * emu_start_image() - implements StartImage() (UEFI 2.10, 7.4)
 * @handle:		image handle
 * @exit_data_size:	out, may be NULL: the size of what the image passed
 *			to Exit(), or 0
 * @exit_data:		out, may be NULL: that buffer (pool memory, the
 *			caller's to free), or NULL; freed here if NULL
 *
 * Return: what the image returned or passed to Exit().
 */
efi_status_t emu_start_image(efi_handle_t handle, unsigned long *exit_data_size,
			     efi_char16_t **exit_data)
{
	struct emu_image *img = get_image(handle);
	efi_status_t status;

	if (!img || img->started)
		return EFI_INVALID_PARAMETER;
	if (img->kernel && emu->kernel_args) {
		status = add_kernel_args(img);
		if (status != EFI_SUCCESS)
			return status;
	}
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
		*exit_data_size = img->exit_data_size;
	if (exit_data)
		*exit_data = img->exit_data;
	else if (img->exit_data)
		emu_free_pool(&emu->mem, img->exit_data);
	free_image(img);
	return status;
}

/**
 * emu_exit_data_string() - the text at the start of an image's ExitData
 * @data:	ExitData from emu_start_image(), or NULL
 * @size:	its size in bytes
 * @buf:	out: the string in ASCII, '?' for anything else, NUL-terminated
 * @len:	size of @buf
 *
 * ExitData starts with a NUL-terminated UCS-2 string (UEFI 2.10, 7.4);
 * only @size bytes of it are read.
 */
void emu_exit_data_string(const efi_char16_t *data, unsigned long size,
			  char *buf, size_t len)
{
	size_t i, n = data ? size / sizeof(*data) : 0;

	if (!len)
		return;
	for (i = 0; i + 1 < len && i < n && data[i]; i++)
		buf[i] = data[i] >= 0x20 && data[i] < 0x7f ? (char)data[i] : '?';
	buf[i] = 0;
}

/*
 * Implements Exit() (UEFI 2.10, 7.4): only the running image may exit.
 * Its ExitData, which must come from AllocatePool(), is handed to the
 * caller of StartImage(); a buffer that is not a live pool allocation of
 * at least @exit_data_size bytes is left alone and not passed on.
 */
efi_status_t emu_exit(efi_handle_t handle, efi_status_t status,
		      unsigned long exit_data_size, efi_char16_t *exit_data)
{
	struct emu_image *img = get_image(handle);
	u64 base, pages;

	if (!img || (img->started && img != emu->running))
		return EFI_INVALID_PARAMETER;
	if (exit_data && (!emu_pool_pages(&emu->mem, exit_data, &base, &pages) ||
			  exit_data_size > pages * EFI_PAGE_SIZE -
					   (emu_addr(exit_data) - base)))
		exit_data = NULL;
	if (!img->started) {
		if (exit_data)
			emu_free_pool(&emu->mem, exit_data);
		free_image(img);
		return EFI_SUCCESS;
	}
	img->exit_status = status;
	img->exit_data = exit_data;
	img->exit_data_size = exit_data ? exit_data_size : 0;
	__builtin_longjmp(img->jmp, 1);
}

/*
 * Implements UnloadImage() (UEFI 2.10, 7.4).  Started images have no
 * unload function (they are applications), so only unstarted ones go.
 */
efi_status_t emu_unload_image(efi_handle_t handle)
{
	struct emu_image *img = get_image(handle);

	if (!img)
		return EFI_INVALID_PARAMETER;
	if (img->started)
		return EFI_UNSUPPORTED;
	free_image(img);
	return EFI_SUCCESS;
}
