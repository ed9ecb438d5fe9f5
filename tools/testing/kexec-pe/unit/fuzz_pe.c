// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: everything the PE loader does with an untrusted file.
 * Accepted images are classified (a UKI's .linux is parsed in turn),
 * loaded and relocated to a base that differs from their preferred one,
 * so the relocation walker sees every table too, and the load-time
 * check that walks the table in the file must come to the same verdict.
 */
#include <stdlib.h>
#include <linux/pe.h>
#include "emulator.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct emu_pe_info pe;
	const char *why;
	void *img;

	if (emu_pe_parse(data, size, IMAGE_FILE_MACHINE_ARM64, &pe, &why) !=
	    EFI_SUCCESS)
		return 0;
	emu_pe_linux_kind(data, size, IMAGE_FILE_MACHINE_ARM64, &why);
	/* The real images are below 8 MiB; keep each run fast. */
	if (pe.image_size > (64U << 20))
		return 0;
	img = malloc(pe.image_size);
	if (!img)
		return 0;
	/* The load-time check in place must agree with the real walk. */
	if (emu_pe_load(data, size, &pe, img, pe.image_size, &why) ==
	    EFI_SUCCESS &&
	    emu_pe_relocate(img, &pe, pe.image_base + 0x123000, &why) !=
	    emu_pe_check_relocs(data, &pe, &why))
		abort();
	free(img);
	return 0;
}
