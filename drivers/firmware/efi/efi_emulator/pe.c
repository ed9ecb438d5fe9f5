// SPDX-License-Identifier: GPL-2.0
/*
 * PE/COFF images: validation, loading and base relocation.
 *
 * The image is hostile until proven otherwise: emu_pe_parse() checks every
 * header field it relies on against the file size before use and says
 * which rule failed; emu_pe_load() and emu_pe_relocate() rely only on what
 * the parser checked, and check each section and relocation against the
 * buffers they write.  Headers are read with memcpy() because nothing in a
 * file is aligned.  Only PE32+ EFI applications are accepted, of the one
 * machine type the caller serves.
 */
#include <linux/pe.h>
#include "emulator.h"

#define IMAGE_REL_BASED_ABSOLUTE 0
#define IMAGE_REL_BASED_DIR64 10

#define PE_MAX_SECTIONS 96 /* the PE spec's limit */
#define PE_MAX_ALIGN (2U << 20)

/* Record why an image was refused and pass the status on. */
static efi_status_t refuse(const char **why, efi_status_t status,
			   const char *reason)
{
	if (why)
		*why = reason;
	return status;
}

static bool is_pow2(u32 x)
{
	return x && !(x & (x - 1));
}

/* Machines we know by name, so a refusal says which one it was. */
static const struct {
	u16 machine;
	const char *refusal;
} known_machines[] = {
	{ IMAGE_FILE_MACHINE_ARM64, "machine AARCH64 is not supported here" },
	{ IMAGE_FILE_MACHINE_AMD64, "machine X64 is not supported yet" },
	{ IMAGE_FILE_MACHINE_RISCV64, "machine RISCV64 is not supported yet" },
	{ IMAGE_FILE_MACHINE_LOONGARCH64,
	  "machine LOONGARCH64 is not supported yet" },
};

static efi_status_t check_machine(u16 have, u16 want, const char **why)
{
	u32 i;

	if (have == want)
		return EFI_SUCCESS;
	for (i = 0; i < EMU_ARRAY_SIZE(known_machines); i++)
		if (known_machines[i].machine == have)
			return refuse(why, EFI_UNSUPPORTED,
				      known_machines[i].refusal);
	return refuse(why, EFI_UNSUPPORTED, "unknown machine type");
}

static void read_section(const void *file, const struct emu_pe_info *pe, u32 i,
			 struct section_header *sh)
{
	memcpy(sh, (const u8 *)file + pe->sections_offset + i * sizeof(*sh),
	       sizeof(*sh));
}

/* Bytes of section @sh in memory: VirtualSize, or the raw size if 0. */
static u32 section_mem_size(const struct section_header *sh)
{
	return sh->virtual_size ? sh->virtual_size : sh->raw_data_size;
}

static efi_status_t check_sections(const void *file, u64 size,
				   const struct emu_pe_info *pe,
				   const char **why)
{
	struct section_header sh;
	u64 prev_end = pe->header_size, end;
	bool entry_found = false;
	u32 i;

	for (i = 0; i < pe->nr_sections; i++) {
		read_section(file, pe, i, &sh);
		end = (u64)sh.virtual_address + section_mem_size(&sh);
		/*
		 * Sections are sorted, disjoint and clear of the headers; they
		 * need not start on SectionAlignment (EDK2 loads such images,
		 * and Debian's x86 systemd-stub is one).
		 */
		if (sh.virtual_address < prev_end)
			return refuse(why, EFI_LOAD_ERROR,
				      "section overlaps headers or previous section");
		if (end > pe->image_size)
			return refuse(why, EFI_LOAD_ERROR,
				      "section extends past SizeOfImage");
		if (sh.raw_data_size &&
		    (u64)sh.data_addr + sh.raw_data_size > size)
			return refuse(why, EFI_LOAD_ERROR,
				      "section data outside the file");
		if (pe->entry >= sh.virtual_address && pe->entry < end)
			entry_found = true;
		prev_end = end;
	}
	if (!entry_found)
		return refuse(why, EFI_LOAD_ERROR,
			      "entry point outside every section");
	return EFI_SUCCESS;
}

/**
 * emu_pe_find_section() - the file data of a section, by name
 * @file:	the image, as emu_pe_parse() checked it
 * @pe:		what emu_pe_parse() found
 * @name:	section name, at most 8 characters
 * @offset:	out: file offset of the section's data
 * @size:	out: bytes of it in the file (VirtualSize when smaller: a
 *		UKI's sections are padded to FileAlignment)
 *
 * Return: true if the image has a section of that name with file data.
 */
bool emu_pe_find_section(const void *file, const struct emu_pe_info *pe,
			 const char *name, u32 *offset, u32 *size)
{
	struct section_header sh;
	size_t len = strlen(name);
	u32 i;

	if (len > sizeof(sh.name))
		return false;
	for (i = 0; i < pe->nr_sections; i++) {
		read_section(file, pe, i, &sh);
		if (memcmp(sh.name, name, len) ||
		    (len < sizeof(sh.name) && sh.name[len]))
			continue;
		if (!sh.raw_data_size)
			return false;
		*offset = sh.data_addr;
		*size = sh.raw_data_size;
		if (sh.virtual_size && sh.virtual_size < *size)
			*size = sh.virtual_size;
		return true;
	}
	return false;
}

/**
 * emu_pe_count_sections() - how many sections of a name have file data
 * @file:	the image, as emu_pe_parse() checked it
 * @pe:		what emu_pe_parse() found
 * @name:	section name, at most 8 characters
 *
 * A UKI of systemd-stub 257 and later repeats .profile, once per profile.
 *
 * Return: the number of such sections.
 */
u32 emu_pe_count_sections(const void *file, const struct emu_pe_info *pe,
			  const char *name)
{
	struct section_header sh;
	size_t len = strlen(name);
	u32 i, n = 0;

	if (len > sizeof(sh.name))
		return 0;
	for (i = 0; i < pe->nr_sections; i++) {
		read_section(file, pe, i, &sh);
		if (!memcmp(sh.name, name, len) &&
		    (len == sizeof(sh.name) || !sh.name[len]) &&
		    sh.raw_data_size)
			n++;
	}
	return n;
}

/**
 * emu_pe_section() - where a section goes and what it may do
 * @file:	the image, as emu_pe_parse() checked it
 * @pe:		what emu_pe_parse() found
 * @i:		section index, below pe->nr_sections
 * @rva:	out: its RVA
 * @size:	out: its size in memory
 * @flags:	out: its Characteristics (IMAGE_SCN_*)
 */
void emu_pe_section(const void *file, const struct emu_pe_info *pe, u32 i,
		    u32 *rva, u32 *size, u32 *flags)
{
	struct section_header sh;

	read_section(file, pe, i, &sh);
	*rva = sh.virtual_address;
	*size = section_mem_size(&sh);
	*flags = sh.flags;
}

/**
 * emu_pe_parse() - validate a PE/COFF image and describe it
 * @file:	the image as read from the file
 * @size:	its size in bytes
 * @machine:	the only machine type accepted (IMAGE_FILE_MACHINE_*)
 * @pe:		out: what the loader needs, all of it checked
 * @why:	out, may be NULL: a static string naming the failed rule
 *
 * Checks, in order: DOS header, e_lfanew, PE signature, machine, optional
 * header (PE32+, size, data directories, EFI application), alignments,
 * SizeOfImage and SizeOfHeaders, the section table, each section, the
 * entry point and the base relocation directory.
 *
 * Return: EFI_SUCCESS; EFI_UNSUPPORTED for well-formed images of another
 * machine, PE32 or subsystem; EFI_LOAD_ERROR for malformed ones.
 */
efi_status_t emu_pe_parse(const void *file, u64 size, u16 machine,
			  struct emu_pe_info *pe, const char **why)
{
	const u8 *base = file;
	struct pe32plus_opt_hdr opt;
	struct data_dirent reloc = { 0 };
	struct mz_hdr mz;
	struct pe_hdr ph;
	u64 off, table_end;
	efi_status_t status;

	if (!file || size < sizeof(mz))
		return refuse(why, EFI_LOAD_ERROR,
			      "file smaller than a DOS header");
	memcpy(&mz, base, sizeof(mz));
	if (mz.magic != MZ_MAGIC)
		return refuse(why, EFI_LOAD_ERROR, "no MZ signature");
	off = mz.peaddr;
	/*
	 * Bounds only: the PE header may sit at any offset (verify_pefile()
	 * and EDK2 take it there too); every header is read with memcpy().
	 */
	if (off < sizeof(mz))
		return refuse(why, EFI_LOAD_ERROR, "bad e_lfanew");
	if (off + sizeof(ph) > size)
		return refuse(why, EFI_LOAD_ERROR,
			      "e_lfanew points past the end of the file");
	memcpy(&ph, base + off, sizeof(ph));
	if (ph.magic != PE_MAGIC)
		return refuse(why, EFI_LOAD_ERROR, "no PE signature");
	status = check_machine(ph.machine, machine, why);
	if (status != EFI_SUCCESS)
		return status;

	off += sizeof(ph);
	if (ph.opt_hdr_size < sizeof(u16) || off + ph.opt_hdr_size > size)
		return refuse(why, EFI_LOAD_ERROR,
			      "optional header outside the file");
	memset(&opt, 0, sizeof(opt));
	memcpy(&opt.magic, base + off, sizeof(opt.magic));
	if (opt.magic != PE_OPT_MAGIC_PE32PLUS)
		return refuse(why, EFI_UNSUPPORTED, "not a PE32+ image");
	if (ph.opt_hdr_size < sizeof(opt))
		return refuse(why, EFI_LOAD_ERROR, "optional header too small");
	memcpy(&opt, base + off, sizeof(opt));
	if (opt.data_dirs > 16 ||
	    ph.opt_hdr_size < sizeof(opt) + opt.data_dirs * sizeof(reloc))
		return refuse(why, EFI_LOAD_ERROR, "bad NumberOfRvaAndSizes");
	if (opt.subsys != IMAGE_SUBSYSTEM_EFI_APPLICATION)
		return refuse(why, EFI_UNSUPPORTED, "not an EFI application");
	if (opt.data_dirs > 5)
		memcpy(&reloc, base + off + sizeof(opt) + 5 * sizeof(reloc),
		       sizeof(reloc));

	if (!is_pow2(opt.file_align) || !is_pow2(opt.section_align) ||
	    opt.section_align < opt.file_align ||
	    opt.section_align > PE_MAX_ALIGN)
		return refuse(why, EFI_LOAD_ERROR,
			      "bad FileAlignment or SectionAlignment");
	if (!opt.image_size || opt.image_size > EMU_PE_MAX_IMAGE)
		return refuse(why, EFI_LOAD_ERROR,
			      "SizeOfImage is zero or too large");

	if (!ph.sections || ph.sections > PE_MAX_SECTIONS)
		return refuse(why, EFI_LOAD_ERROR, "bad NumberOfSections");
	off += ph.opt_hdr_size;
	table_end = off + (u64)ph.sections * sizeof(struct section_header);
	if (table_end > size)
		return refuse(why, EFI_LOAD_ERROR,
			      "section table outside the file");
	if (opt.header_size < table_end || opt.header_size > size ||
	    opt.header_size > opt.image_size)
		return refuse(why, EFI_LOAD_ERROR, "bad SizeOfHeaders");
	if (!opt.entry_point || opt.entry_point >= opt.image_size)
		return refuse(why, EFI_LOAD_ERROR,
			      "entry point outside the image");
	if (reloc.size &&
	    ((u64)reloc.virtual_address + reloc.size > opt.image_size ||
	     reloc.virtual_address < opt.header_size))
		return refuse(why, EFI_LOAD_ERROR,
			      "relocation directory outside the image");

	*pe = (struct emu_pe_info){
		.machine = ph.machine,
		.subsystem = opt.subsys,
		.nr_sections = ph.sections,
		.sections_offset = off,
		.image_base = opt.image_base,
		.image_size = opt.image_size,
		.header_size = opt.header_size,
		.section_align = opt.section_align,
		.entry = opt.entry_point,
		.reloc_rva = reloc.size ? reloc.virtual_address : 0,
		.reloc_size = reloc.size,
	};
	return check_sections(file, size, pe, why);
}

/**
 * emu_pe_load() - copy a parsed image into its memory
 * @file:	the image file
 * @size:	size of @file
 * @pe:		what emu_pe_parse() returned for @file
 * @dst:	destination, at least SizeOfImage bytes
 * @dst_size:	size of @dst
 * @why:	out, may be NULL: reason for a failure
 *
 * Headers go to offset 0 (payloads such as systemd-stub read their own
 * section table from memory), each section to its RVA; everything else,
 * including BSS and the tail of sections whose file data is shorter than
 * their VirtualSize, is zeroed.
 *
 * Return: EFI_SUCCESS, or EFI_BUFFER_TOO_SMALL if @dst is smaller than
 * the image.
 */
efi_status_t emu_pe_load(const void *file, u64 size,
			 const struct emu_pe_info *pe, void *dst, u64 dst_size,
			 const char **why)
{
	struct section_header sh;
	u8 *out = dst;
	u32 i, n;

	if (dst_size < pe->image_size)
		return refuse(why, EFI_BUFFER_TOO_SMALL,
			      "destination smaller than SizeOfImage");
	memset(out, 0, pe->image_size);
	memcpy(out, file, pe->header_size);
	for (i = 0; i < pe->nr_sections; i++) {
		read_section(file, pe, i, &sh);
		/* Parsed: the RVA range is inside the image, data in the file. */
		n = sh.raw_data_size;
		if (sh.virtual_size && n > sh.virtual_size)
			n = sh.virtual_size;
		memcpy(out + sh.virtual_address,
		       (const u8 *)file + sh.data_addr, n);
	}
	return EFI_SUCCESS;
}

/*
 * Where the relocation walker reads the table: the loaded image, or the
 * file itself through its section table, laid out as emu_pe_load() lays
 * it out (file data, then zeros to VirtualSize; zeros between sections).
 * One piece of the layout is cached, so a walk costs the table's length.
 */
struct reloc_src {
	u8 *image;		/* the loaded image, or NULL: read @file */
	const u8 *file;
	const struct emu_pe_info *pe;
	u32 lo, hi;		/* RVAs [lo, hi) of the cached piece */
	const u8 *at;		/* its bytes, at[rva - lo]; NULL: zeros */
};

static void reloc_src_locate(struct reloc_src *s, u32 rva)
{
	struct section_header sh;
	u32 i, n;

	s->lo = rva;
	s->hi = s->pe->image_size;
	s->at = NULL;
	for (i = 0; i < s->pe->nr_sections; i++) {
		read_section(s->file, s->pe, i, &sh);
		n = sh.raw_data_size;
		if (sh.virtual_size && n > sh.virtual_size)
			n = sh.virtual_size;
		if (rva < sh.virtual_address) {
			s->hi = sh.virtual_address;	/* sorted: a gap */
			return;
		}
		if (rva - sh.virtual_address < n) {
			s->lo = sh.virtual_address;
			s->hi = sh.virtual_address + n;
			s->at = s->file + sh.data_addr;
			return;
		}
		if (rva - sh.virtual_address < section_mem_size(&sh)) {
			s->lo = sh.virtual_address + n;
			s->hi = sh.virtual_address + section_mem_size(&sh);
			return;
		}
	}
}

/* @len (at most 8) bytes at @rva, little-endian; the parser bounded @rva. */
static u64 reloc_read(struct reloc_src *s, u32 rva, u32 len)
{
	u64 v = 0;
	u32 i;
	u8 b;

	for (i = 0; i < len; i++) {
		if (s->image) {
			b = s->image[rva + i];
		} else {
			if (rva + i < s->lo || rva + i >= s->hi)
				reloc_src_locate(s, rva + i);
			b = s->at ? s->at[rva + i - s->lo] : 0;
		}
		v |= (u64)b << (8 * i);
	}
	return v;
}

/* Walk the relocation blocks; patch only when @delta is to be applied. */
static efi_status_t walk_relocs(struct reloc_src *src, u64 delta, bool apply,
				const char **why)
{
	const struct emu_pe_info *pe = src->pe;
	u32 off = 0, page, block, i, at;
	u16 entry;
	u64 v;

	while (off + 8 <= pe->reloc_size) {
		page = reloc_read(src, pe->reloc_rva + off, 4);
		block = reloc_read(src, pe->reloc_rva + off + 4, 4);
		if (block < 8 || block & 1 || block > pe->reloc_size - off)
			return refuse(why, EFI_LOAD_ERROR,
				      "bad relocation block size");
		for (i = 8; i < block; i += 2) {
			entry = reloc_read(src, pe->reloc_rva + off + i, 2);
			switch (entry >> 12) {
			case IMAGE_REL_BASED_ABSOLUTE:
				break;
			case IMAGE_REL_BASED_DIR64:
				if ((u64)page + (entry & 0xfff) + 8 >
				    pe->image_size)
					return refuse(why, EFI_LOAD_ERROR,
						      "relocation target outside the image");
				at = page + (entry & 0xfff);
				/* Patching the table would change the walk. */
				if ((u64)at + 8 > pe->reloc_rva &&
				    at < (u64)pe->reloc_rva + pe->reloc_size)
					return refuse(why, EFI_LOAD_ERROR,
						      "relocation target inside the relocation table");
				if (!apply)
					break;
				memcpy(&v, src->image + at, 8);
				v += delta;
				memcpy(src->image + at, &v, 8);
				break;
			default:
				return refuse(why, EFI_UNSUPPORTED,
					      "unsupported relocation type");
			}
		}
		off += block;
	}
	return EFI_SUCCESS;
}

/**
 * emu_pe_relocate() - apply base relocations for a new load address
 * @image:	the loaded image (emu_pe_load())
 * @pe:		its description
 * @new_base:	the address @image will run at
 * @why:	out, may be NULL: reason for a failure
 *
 * All blocks are checked before the first is applied, so a bad table
 * leaves the image untouched.  Only DIR64 and ABSOLUTE entries exist in
 * 64-bit EFI images; anything else is refused.
 *
 * Return: EFI_SUCCESS, EFI_LOAD_ERROR or EFI_UNSUPPORTED.
 */
efi_status_t emu_pe_relocate(void *image, const struct emu_pe_info *pe,
			     u64 new_base, const char **why)
{
	struct reloc_src src = { .image = image, .pe = pe };
	u64 delta = new_base - pe->image_base;
	efi_status_t status;

	if (!pe->reloc_size)
		return EFI_SUCCESS;
	status = walk_relocs(&src, delta, false, why);
	if (status != EFI_SUCCESS || !delta)
		return status;
	return walk_relocs(&src, delta, true, why);
}

/**
 * emu_pe_check_relocs() - check base relocations without loading the image
 * @file:	the image file, as emu_pe_parse() accepted it
 * @pe:		what emu_pe_parse() returned for @file
 * @why:	out, may be NULL: reason for a failure
 *
 * The table is read in place, from the file through the section table,
 * with the rules of emu_pe_relocate(): what this accepts, emu_pe_load()
 * and emu_pe_relocate() accept, with no SizeOfImage buffer to allocate.
 *
 * Return: EFI_SUCCESS, EFI_LOAD_ERROR or EFI_UNSUPPORTED.
 */
efi_status_t emu_pe_check_relocs(const void *file, const struct emu_pe_info *pe,
				 const char **why)
{
	struct reloc_src src = { .file = file, .pe = pe };

	return walk_relocs(&src, 0, false, why);
}

/*
 * What marks a Linux boot image.  libstub's zboot header
 * (drivers/firmware/efi/libstub/zboot-header.S) fills the DOS header:
 * "zimg" at 4, the payload's offset and size at 8 and 12, the compression
 * as a string at 0x18 and, in later kernels, LINUX_PE_MAGIC at 0x38 (6.1's
 * header leaves it zero).  The payload starts with the magic of its format; every
 * kernel since 6.1 names one of these.
 */
#define ZBOOT_TYPE		4
#define ZBOOT_PAYLOAD		8
#define ZBOOT_COMP		0x18
#define LINUX_MAGIC_AT		0x38
/* The x86 boot protocol's setup header signature (bzImage). */
#define X86_HDRS_AT		0x202

static const struct {
	char name[8];
	u8 magic[6];
	u8 len;
} zboot_formats[] = {
	{ "gzip", { 0x1f, 0x8b, 0x08 }, 3 },
	{ "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4 },
	{ "zstd22", { 0x28, 0xb5, 0x2f, 0xfd }, 4 },
	{ "xzkern", { 0xfd, '7', 'z', 'X', 'Z', 0 }, 6 },
	{ "lz4", { 0x02, 0x21, 0x4c, 0x18 }, 4 },
	{ "lzo", { 0x89, 'L', 'Z', 'O' }, 4 },
	{ "lzma", { 0x5d, 0, 0 }, 3 },
	{ "bzip2", { 'B', 'Z', 'h' }, 3 },
};

static u32 get_le32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static bool is_zboot(const u8 *file, u64 size, const char **why)
{
	const char *comp = (const char *)file + ZBOOT_COMP;
	u32 off, len, i, magic;

	magic = get_le32(file + LINUX_MAGIC_AT);
	if (magic && magic != LINUX_PE_MAGIC) {
		*why = "zboot header with a foreign magic at 0x38";
		return false;
	}
	off = get_le32(file + ZBOOT_PAYLOAD);
	len = get_le32(file + ZBOOT_PAYLOAD + 4);
	for (i = 0; i < EMU_ARRAY_SIZE(zboot_formats); i++)
		if (!memcmp(comp, zboot_formats[i].name,
			    sizeof(zboot_formats[i].name)))
			break;
	if (i == EMU_ARRAY_SIZE(zboot_formats)) {
		*why = "zboot image of an unknown compression";
		return false;
	}
	if (off > size || len > size - off || len < zboot_formats[i].len ||
	    memcmp(file + off, zboot_formats[i].magic, zboot_formats[i].len)) {
		*why = "zboot payload missing or not in its compression format";
		return false;
	}
	return true;
}

/**
 * emu_pe_is_kernel() - is a PE file the kernel itself, with its EFI stub?
 * @file:	the file, which emu_pe_parse() accepted
 * @size:	its size
 * @machine:	its machine type (IMAGE_FILE_MACHINE_*)
 *
 * An arm64 Image (its magic at 0x38) or an x86 bzImage (the setup
 * header's "HdrS"): the image whose LoadOptions are the kernel's command
 * line, not a zboot image or a UKI, which pass theirs on.
 *
 * Return: true if it is.
 */
bool emu_pe_is_kernel(const void *file, u64 size, u16 machine)
{
	const u8 *f = file;

	if (machine == IMAGE_FILE_MACHINE_ARM64)
		return size >= LINUX_MAGIC_AT + 4 &&
		       !memcmp(f + LINUX_MAGIC_AT, "ARM\x64", 4);
	return machine == IMAGE_FILE_MACHINE_AMD64 &&
	       size >= X86_HDRS_AT + 4 && !memcmp(f + X86_HDRS_AT, "HdrS", 4);
}

static const char *linux_kind(const u8 *file, u64 size, u16 machine,
			      u32 depth, const char **why)
{
	struct emu_pe_info pe;
	u32 off, len;

	if (emu_pe_parse(file, size, machine, &pe, why) != EFI_SUCCESS)
		return NULL;
	/* The kernel's own EFI stub: an arm64 Image, an x86 bzImage. */
	if (emu_pe_is_kernel(file, size, machine))
		return machine == IMAGE_FILE_MACHINE_ARM64 ?
		       "Linux kernel with EFI stub" :
		       "Linux bzImage with EFI stub";
	if (!memcmp(file + ZBOOT_TYPE, "zimg", 4))
		return is_zboot(file, size, why) ? "EFI zboot image" : NULL;
	if (emu_pe_find_section(file, &pe, ".linux", &off, &len)) {
		if (depth + 1 == UKI_MAX_DEPTH) {
			*why = "Unified Kernel Images nested too deep";
			return NULL;
		}
		if (!linux_kind(file + off, len, machine, depth + 1, why))
			return NULL;
		return "Unified Kernel Image";
	}
	if (emu_pe_find_section(file, &pe, ".sdmagic", &off, &len))
		*why = "systemd-stub without a .linux section, not a Linux kernel";
	else
		*why = "an EFI application, not a Linux kernel";
	return NULL;
}

/**
 * emu_pe_linux_kind() - is a PE file a Linux boot image, and which kind?
 * @file:	the file
 * @size:	its size
 * @machine:	the only machine type accepted (IMAGE_FILE_MACHINE_*)
 * @why:	out: why it is none; for a UKI, the reason its .linux (or the
 *		.linux of a nested one) was refused
 *
 * The emulator boots Linux and nothing else: an EFI zboot image, a kernel
 * image with the kernel's EFI stub (an arm64 Image, an x86 bzImage), or a
 * Unified Kernel Image whose .linux is one of these.  The marks checked
 * are the ones Linux puts there, as the kexec Image and bzImage loaders
 * check them (the arm64 magic, the setup header's "HdrS"); they say what the signed
 * object is, not that its code is benign, which the signature does.
 *
 * Return: a name for the kind, or NULL.
 */
const char *emu_pe_linux_kind(const void *file, u64 size, u16 machine,
			      const char **why)
{
	const char *dummy;

	return linux_kind(file, size, machine, 0, why ? why : &dummy);
}
