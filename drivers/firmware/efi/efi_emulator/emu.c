// SPDX-License-Identifier: GPL-2.0
/*
 * Bring-up of the emulator and the hand-over to the payload: the host
 * (kexec reboot path, unit tests, user-space stub runner) seeds the memory
 * map, then emu_init() builds the tables and emu_boot() loads the PE image
 * and starts it with the command line as LoadOptions.  On success the
 * payload calls ExitBootServices() and never comes back; emu_boot()
 * returning means it failed, and the host reports that and resets.
 */
#include "emulator.h"

struct emulator *emu;

/**
 * emu_set_platform() - make the state and the platform hooks current
 * @e:		the state
 * @ops:	the platform's hooks
 *
 * Called first, so messages work before emu_init() (which calls it too).
 */
void emu_set_platform(struct emulator *e, const struct emu_platform_ops *ops)
{
	emu = e;
	e->ops = ops;
}

/**
 * emu_init() - set up boot services, console and system table
 * @e:		the state; e->mem must already hold the memory map
 * @ops:	the platform's hooks
 * @fw:		the first boot's runtime services, and where the system
 *		table goes
 *
 * Return: EFI_SUCCESS or EFI_OUT_OF_RESOURCES.
 */
efi_status_t emu_init(struct emulator *e, const struct emu_platform_ops *ops,
		      const struct emu_firmware *fw)
{
	efi_status_t status;

	emu_set_platform(e, ops);
	emu->handles = NULL;
	emu->events = NULL;
	emu->running = NULL;
	emu->tpl = EFI_TPL_APPLICATION;
	emu->monotonic = 0;
	emu->boot_services_exited = false;
	emu->unsupported_logged = 0;
	emu->after_exit_logged = 0;
	memset(emu->calls, 0, sizeof(emu->calls));
	memset(emu->guids, 0, sizeof(emu->guids));
	emu->initrd_size = 0;
	emu->kernel_args = NULL;
	emu->kernel_args_len = 0;
	memset(emu->memattr_calls, 0, sizeof(emu->memattr_calls));

	emu_boottime_init();
	status = emu_console_init();
	if (status == EFI_SUCCESS)
		status = emu_systab_init(fw);
	if (status == EFI_SUCCESS)
		status = emu_install_rng();
	if (status == EFI_SUCCESS)
		status = emu_install_memattr();
	return status;
}

/**
 * emu_set_kernel_args() - words for the end of the kernel's command line
 * @args:	UTF-16, NUL-terminated within @size, or NULL for none; it
 *		must stay where it is until the payload exits boot services
 * @size:	its size in bytes including the NUL
 *
 * StartImage() appends them to the LoadOptions of the Linux kernel image
 * (emu_pe_is_kernel()) whichever image loaded it: a UKI's stub gives the
 * kernel its own .cmdline, and the arguments must reach the kernel
 * anyway.  Arguments without a NUL in @size are ignored.
 */
void emu_set_kernel_args(const efi_char16_t *args, u32 size)
{
	u32 n, max = args ? size / sizeof(*args) : 0;

	emu->kernel_args = NULL;
	emu->kernel_args_len = 0;
	for (n = 0; n < max && args[n]; n++)
		;
	if (n == max || !n)
		return;
	emu->kernel_args = args;
	emu->kernel_args_len = n;
}

/**
 * emu_boot() - load the payload and start it
 * @pe:		the PE file, a Linux boot image (emu_pe_linux_kind())
 * @size:	its size
 * @cmdline:	the command line in UTF-16, NUL-terminated, or NULL
 * @cmdline_size: its size in bytes including the NUL
 *
 * An empty command line gives the payload no LoadOptions at all, as a boot
 * entry without options does: systemd-stub then keeps its .cmdline.
 *
 * Return: only if the payload could not be started or returned; the
 * status says why.
 */
efi_status_t emu_boot(const void *pe, u64 size, const efi_char16_t *cmdline,
		      u32 cmdline_size)
{
	static const efi_guid_t li_guid = LOADED_IMAGE_PROTOCOL_GUID;
	efi_loaded_image_t *li;
	efi_handle_t handle;
	efi_status_t status;
	unsigned long data_size;
	efi_char16_t *data;
	const char *why = "";
	void *opts = NULL;
	char text[128];

	/* The kexec loader refused anything else already (kexec_pe_check()). */
	if (!emu_pe_linux_kind(pe, size, EMU_PE_MACHINE, &why)) {
		emu_printf("efi-emu: refusing image: %s\n", why);
		return EFI_UNSUPPORTED;
	}
	status = emu_load_image_buffer(NULL, pe, size, NULL, &handle);
	if (status != EFI_SUCCESS)
		return status;
	li = emu_search_protocol(emu_handle_get(handle), &li_guid);
	if (cmdline && cmdline_size > sizeof(*cmdline) && cmdline[0]) {
		status = emu_allocate_pool(&emu->mem, EFI_LOADER_DATA,
					   cmdline_size, &opts);
		if (status != EFI_SUCCESS)
			return status;
		memcpy(opts, cmdline, cmdline_size);
		li->load_options = opts;
		li->load_options_size = cmdline_size;
	}
	status = emu_start_image(handle, &data_size, &data);
	emu_printf("efi-emu: payload returned 0x%lx\n", status);
	if (data) {
		emu_exit_data_string(data, data_size, text, sizeof(text));
		emu_printf("efi-emu: its exit data: \"%s\"\n", text);
		emu_free_pool(&emu->mem, data);
	}
	return status;
}
