// SPDX-License-Identifier: GPL-2.0
/*
 * The EFI emulator's PE/COFF checks, memory map and UTF-16 conversion,
 * run by the kernel as well: kexec_file_load() of a PE image refuses at
 * load time, with a reason, exactly what the emulator would refuse after
 * kexec -e, when all it could do is print and reset.  The code is the emulator's
 * (drivers/firmware/efi/efi_emulator/), not a second implementation: its
 * Makefile builds those files for the kernel too.
 */
#define pr_fmt(fmt)	"kexec_file(PE): " fmt

#include <crypto/sha2.h>
#include <keys/system_keyring.h>
#include <linux/efi_emulator.h>
#include <linux/errno.h>
#include <linux/kexec.h>
#include <linux/pe.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include "../drivers/firmware/efi/efi_emulator/emulator.h"
#include "kexec_pe.h"

/**
 * kexec_pe_check() - validate a PE image as the emulator will load it
 * @buf:	the file
 * @len:	its size
 * @machine:	the machine type this kernel serves
 * @image_size:	out: SizeOfImage
 *
 * Headers, sections and the entry point are checked against the file,
 * then its relocations are walked where they lie in the file (nothing of
 * SizeOfImage is allocated), so a bad relocation table is refused now
 * rather than at boot.
 * Last, it must be a Linux boot image (emu_pe_linux_kind()): the emulator
 * boots nothing else, and the loader must not widen what kexec runs to
 * any EFI application a trusted key signed.
 *
 * Return: 0, or -ENOEXEC for a malformed, foreign or non-Linux image.
 */
int kexec_pe_check(const void *buf, unsigned long len, u16 machine,
		   u32 *image_size)
{
	struct emu_pe_info pe;
	const char *why = "", *kind;
	efi_status_t status;

	status = emu_pe_parse(buf, len, machine, &pe, &why);
	if (status != EFI_SUCCESS) {
		pr_err("refusing PE image: %s\n", why);
		return -ENOEXEC;
	}
	status = emu_pe_check_relocs(buf, &pe, &why);
	if (status != EFI_SUCCESS) {
		pr_err("refusing PE image: %s\n", why);
		return -ENOEXEC;
	}
	kind = emu_pe_linux_kind(buf, len, machine, &why);
	if (!kind) {
		pr_err("refusing PE image: %s\n", why);
		return -ENOEXEC;
	}
	kexec_dprintk("PE image: %s\n", kind);
	*image_size = pe.image_size;
	return 0;
}

/* A section header of a file emu_pe_parse() accepted. */
static void pe_section(const u8 *buf, const struct emu_pe_info *pe, u32 i,
		       struct section_header *sh)
{
	memcpy(sh, buf + pe->sections_offset + i * sizeof(*sh), sizeof(*sh));
}

/* Is section @a before @b in the file order Authenticode hashes them in? */
static bool pe_section_before(const struct section_header *a, u32 ai,
			      const struct section_header *b, u32 bi)
{
	if (a->data_addr != b->data_addr)
		return a->data_addr < b->data_addr;
	if (a->virtual_address != b->virtual_address)
		return a->virtual_address < b->virtual_address;
	return ai < bi;
}

/*
 * The Authenticode SHA-256 digest of a PE file, the one UEFI dbx lists and
 * the signature signs: the headers without the checksum and the
 * certificate table's directory entry, the sections' file data in file
 * order, then what follows them except the certificate table.  This is the
 * digest crypto/asymmetric_keys/verify_pefile.c computes and compares with
 * the signature, so a blacklisted hash names the same bytes.
 */
static int pe_authenticode_sha256(const u8 *buf, u32 len, u16 machine,
				  u8 digest[SHA256_DIGEST_SIZE])
{
	struct section_header sh, best = { }, prev = { };
	u32 opt, csum, dirs, cert, certs_size = 0, hashed, i, n, best_i;
	u32 prev_i = 0;
	struct emu_pe_info pe;
	struct sha256_state s;

	if (emu_pe_parse(buf, len, machine, &pe, NULL) != EFI_SUCCESS)
		return -ENOEXEC;
	opt = get_unaligned_le32(buf + offsetof(struct mz_hdr, peaddr)) +
	      sizeof(struct pe_hdr);
	csum = opt + offsetof(struct pe32plus_opt_hdr, csum);
	dirs = get_unaligned_le32(buf + opt +
				  offsetof(struct pe32plus_opt_hdr, data_dirs));
	cert = opt + sizeof(struct pe32plus_opt_hdr) +
	       4 * sizeof(struct data_dirent);

	sha256_init(&s);
	sha256_update(&s, buf, csum);
	if (dirs > 4) {
		certs_size = get_unaligned_le32(buf + cert +
				offsetof(struct data_dirent, size));
		sha256_update(&s, buf + csum + 4, cert - csum - 4);
		cert += sizeof(struct data_dirent);
		sha256_update(&s, buf + cert, pe.header_size - cert);
	} else {
		sha256_update(&s, buf + csum + 4, pe.header_size - csum - 4);
	}

	hashed = pe.header_size;
	for (n = 0; n < pe.nr_sections; n++) {
		best_i = U32_MAX;
		for (i = 0; i < pe.nr_sections; i++) {
			pe_section(buf, &pe, i, &sh);
			if (n && !pe_section_before(&prev, prev_i, &sh, i))
				continue;
			if (best_i == U32_MAX ||
			    pe_section_before(&sh, i, &best, best_i)) {
				best = sh;
				best_i = i;
			}
		}
		prev = best;
		prev_i = best_i;
		/* emu_pe_parse() checked the data is inside the file. */
		if (!best.raw_data_size)
			continue;
		sha256_update(&s, buf + best.data_addr, best.raw_data_size);
		hashed += best.raw_data_size;
	}
	if (len > hashed && len - hashed > certs_size)
		sha256_update(&s, buf + hashed, len - hashed - certs_size);
	sha256_final(&s, digest);
	return 0;
}

static int check_revoked(const u8 *buf, u32 len, u16 machine, u32 depth)
{
	u8 digest[SHA256_DIGEST_SIZE];
	struct emu_pe_info pe;
	u32 off, size;
	int ret;

	ret = pe_authenticode_sha256(buf, len, machine, digest);
	if (ret)
		return ret;
	ret = is_hash_blacklisted(digest, sizeof(digest),
				  BLACKLIST_HASH_BINARY);
	if (ret == -EKEYREJECTED)
		pr_err("%s is revoked: its Authenticode SHA-256 %*phN is blacklisted\n",
		       depth ? "the image's .linux section" : "the image",
		       (int)sizeof(digest), digest);
	if (ret)
		return ret;
	if (emu_pe_parse(buf, len, machine, &pe, NULL) != EFI_SUCCESS ||
	    !emu_pe_find_section(buf, &pe, ".linux", &off, &size) ||
	    depth + 1 == UKI_MAX_DEPTH)
		return 0;
	return check_revoked(buf + off, size, machine, depth + 1);
}

/**
 * kexec_pe_check_revoked() - refuse a PE image the blacklist revoked
 * @buf:	the file, already accepted by kexec_pe_check()
 * @len:	its size
 * @machine:	the machine type this kernel serves
 *
 * The image's Authenticode SHA-256 digest, and for a Unified Kernel Image
 * that of its .linux (and of a nested one's), is looked up among the
 * kernel's "bin:" blacklist hashes: CONFIG_SYSTEM_BLACKLIST_HASH_LIST and
 * the SHA-256 entries of UEFI dbx (and MokListXRT) that the platform
 * keyring code loads at boot.  Revoked signing certificates are the
 * signature check's business ("tbs:" hashes).
 *
 * Return: 0, -EKEYREJECTED for a revoked image, -ENOMEM.
 */
int kexec_pe_check_revoked(const void *buf, unsigned long len, u16 machine)
{
	return check_revoked(buf, len, machine, 0);
}

/**
 * kexec_pe_linux() - the kernel image inside a Unified Kernel Image
 * @buf:	the file, already accepted by kexec_pe_check()
 * @len:	its size
 * @machine:	the machine type this kernel serves
 * @out_len:	out: the size of what is returned
 *
 * Return: the innermost .linux section (a UKI's .linux may be a UKI
 * itself), or @buf when it has none.
 */
const void *kexec_pe_linux(const void *buf, unsigned long len, u16 machine,
			   unsigned long *out_len)
{
	struct emu_pe_info pe;
	u32 off, size, depth;

	for (depth = 0; depth + 1 < UKI_MAX_DEPTH; depth++) {
		if (emu_pe_parse(buf, len, machine, &pe, NULL) != EFI_SUCCESS ||
		    !emu_pe_find_section(buf, &pe, ".linux", &off, &size))
			break;
		buf += off;
		len = size;
	}
	*out_len = len;
	return buf;
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
 * kexec_pe_section_size() - the size of a PE image's section of this name
 * @buf:	the file, already accepted by kexec_pe_check()
 * @len:	its size
 * @machine:	the machine type this kernel serves
 * @name:	section name, at most 8 characters
 *
 * Return: the size of the first one's data in the file, 0 if it has none.
 */
u32 kexec_pe_section_size(const void *buf, unsigned long len, u16 machine,
			  const char *name)
{
	struct emu_pe_info pe;
	u32 off, size;

	if (emu_pe_parse(buf, len, machine, &pe, NULL) != EFI_SUCCESS ||
	    !emu_pe_find_section(buf, &pe, name, &off, &size))
		return 0;
	return size;
}

/**
 * kexec_pe_count_sections() - how many sections of this name a PE image has
 * @buf:	the file, already accepted by kexec_pe_check()
 * @len:	its size
 * @machine:	the machine type this kernel serves
 * @name:	section name, at most 8 characters
 *
 * Return: the number of sections of that name with data in the file.
 */
u32 kexec_pe_count_sections(const void *buf, unsigned long len, u16 machine,
			    const char *name)
{
	struct emu_pe_info pe;

	if (emu_pe_parse(buf, len, machine, &pe, NULL) != EFI_SUCCESS)
		return 0;
	return emu_pe_count_sections(buf, &pe, name);
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
