// SPDX-License-Identifier: GPL-2.0
/*
 * EFI_RNG_PROTOCOL over the platform's entropy source, offered only when
 * there is one: a stub without it says "EFI_RNG_PROTOCOL unavailable" and
 * boots without a KASLR seed, which is better than a predictable one.
 * Only the raw algorithm is offered.
 */
#include "emulator.h"

static const efi_guid_t raw_alg = EFI_RNG_ALGORITHM_RAW;

/* Implements EFI_RNG_PROTOCOL.GetInfo() (UEFI 2.10, 37.5). */
static efi_status_t __efiapi rng_get_info(efi_rng_protocol_t *this,
					  unsigned long *size, efi_guid_t *algs)
{
	if (!this || !size)
		return EFI_INVALID_PARAMETER;
	if (*size < sizeof(raw_alg)) {
		*size = sizeof(raw_alg);
		return EFI_BUFFER_TOO_SMALL;
	}
	if (!algs)
		return EFI_INVALID_PARAMETER;
	*algs = raw_alg;
	*size = sizeof(raw_alg);
	return EFI_SUCCESS;
}

/* Implements EFI_RNG_PROTOCOL.GetRNG() (UEFI 2.10, 37.5). */
static efi_status_t __efiapi rng_get_rng(efi_rng_protocol_t *this,
					 efi_guid_t *alg, unsigned long len,
					 u8 *out)
{
	if (!this || !out || !len)
		return EFI_INVALID_PARAMETER;
	if (alg && !emu_guid_eq(alg, &raw_alg))
		return EFI_UNSUPPORTED;
	return emu->ops->get_random(out, len) == EFI_SUCCESS ? EFI_SUCCESS :
							       EFI_DEVICE_ERROR;
}

/**
 * emu_install_rng() - install EFI_RNG_PROTOCOL if the platform has entropy
 *
 * Return: EFI_SUCCESS (also when there is nothing to install).
 */
efi_status_t emu_install_rng(void)
{
	static const efi_guid_t guid = EFI_RNG_PROTOCOL_GUID;
	efi_handle_t handle = NULL;

	if (!emu->ops->get_random)
		return EFI_SUCCESS;
	emu->rng.get_info = rng_get_info;
	emu->rng.get_rng = rng_get_rng;
	return emu_install_protocol(&handle, &guid, &emu->rng);
}
