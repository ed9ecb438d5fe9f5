// SPDX-License-Identifier: GPL-2.0
/*
 * PE/COFF loader: one test per validation rule (each bends one field of a
 * valid crafted image and expects the named refusal), then loading and
 * base relocation results.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/pe.h>
#include "emulator.h"
#include "pe_builder.h"
#include "kselftest_harness.h"

#define ARM64	IMAGE_FILE_MACHINE_ARM64

static efi_status_t parse(const struct pb_spec *s, struct emu_pe_info *pe,
			  const char **why)
{
	size_t size;
	uint8_t *f = pb_build(s, &size);
	efi_status_t st;

	*why = "";
	st = emu_pe_parse(f, size, ARM64, pe, why);
	free(f);
	return st;
}

/* Expect @spec to be refused with @status and a reason containing @text. */
#define REFUSED(spec, status, text) do {				\
		struct emu_pe_info pe_;					\
		const char *why_;					\
		ASSERT_EQ(status, parse(spec, &pe_, &why_));		\
		ASSERT_NE(NULL, strstr(why_, text)) {			\
			TH_LOG("reason was '%s'", why_);		\
		}							\
	} while (0)

TEST(valid_image)
{
	struct emu_pe_info pe;
	struct pb_spec s;
	const char *why;

	pb_default(&s);
	ASSERT_EQ(EFI_SUCCESS, parse(&s, &pe, &why));
	EXPECT_EQ(ARM64, pe.machine);
	EXPECT_EQ(2, pe.nr_sections);
	EXPECT_EQ(0x10000000, pe.image_base);
	EXPECT_EQ(0x4000, pe.image_size);
	EXPECT_EQ(0x400, pe.header_size);
	EXPECT_EQ(0x1010, pe.entry);
	EXPECT_EQ(0x3000, pe.reloc_rva);
	EXPECT_EQ(12, pe.reloc_size);
}

TEST(null_and_short_file)
{
	struct emu_pe_info pe;
	const char *why = "";
	uint8_t tiny[63] = { 'M', 'Z' };

	ASSERT_EQ(EFI_LOAD_ERROR, emu_pe_parse(NULL, 0, ARM64, &pe, &why));
	ASSERT_EQ(EFI_LOAD_ERROR,
		  emu_pe_parse(tiny, sizeof(tiny), ARM64, &pe, &why));
	ASSERT_NE(NULL, strstr(why, "DOS header"));
}

TEST(no_mz)
{
	struct pb_spec s;

	pb_default(&s);
	s.mz_magic = 0x4d5a;
	REFUSED(&s, EFI_LOAD_ERROR, "MZ");
}

TEST(e_lfanew_inside_dos_header)
{
	struct pb_spec s;

	pb_default(&s);
	s.e_lfanew = 0x20;
	REFUSED(&s, EFI_LOAD_ERROR, "e_lfanew");
}

/* Only bounds are checked: the signature check takes such images too. */
TEST(e_lfanew_unaligned_accepted)
{
	struct emu_pe_info pe;
	struct pb_spec s;
	const char *why;

	pb_default(&s);
	s.e_lfanew = 0x42;
	ASSERT_EQ(EFI_SUCCESS, parse(&s, &pe, &why)) {
		TH_LOG("refused: %s", why);
	}
	EXPECT_EQ(0x1010, pe.entry);
}

TEST(e_lfanew_past_end)
{
	struct pb_spec s;

	pb_default(&s);
	s.e_lfanew = 0xfffffff8;
	REFUSED(&s, EFI_LOAD_ERROR, "past the end");
}

TEST(no_pe_signature)
{
	struct pb_spec s;

	pb_default(&s);
	s.pe_magic = 0x00004551;	/* "QE\0\0" */
	REFUSED(&s, EFI_LOAD_ERROR, "PE signature");
}

TEST(machine_x64_refused_by_name)
{
	struct pb_spec s;

	pb_default(&s);
	s.machine = IMAGE_FILE_MACHINE_AMD64;
	REFUSED(&s, EFI_UNSUPPORTED, "X64");
}

TEST(machine_riscv64_refused_by_name)
{
	struct pb_spec s;

	pb_default(&s);
	s.machine = IMAGE_FILE_MACHINE_RISCV64;
	REFUSED(&s, EFI_UNSUPPORTED, "RISCV64");
}

TEST(machine_unknown)
{
	struct pb_spec s;

	pb_default(&s);
	s.machine = 0x1234;
	REFUSED(&s, EFI_UNSUPPORTED, "unknown machine");
}

TEST(aarch64_refused_when_serving_another_machine)
{
	struct emu_pe_info pe;
	const char *why = "";
	struct pb_spec s;
	uint8_t *f;
	size_t size;

	pb_default(&s);
	f = pb_build(&s, &size);
	ASSERT_EQ(EFI_UNSUPPORTED,
		  emu_pe_parse(f, size, IMAGE_FILE_MACHINE_RISCV64, &pe, &why));
	free(f);
	ASSERT_NE(NULL, strstr(why, "AARCH64"));
}

TEST(pe32_refused)
{
	struct pb_spec s;

	pb_default(&s);
	s.opt_magic = PE_OPT_MAGIC_PE32;
	REFUSED(&s, EFI_UNSUPPORTED, "PE32+");
}

TEST(optional_header_too_small)
{
	struct pb_spec s;

	pb_default(&s);
	s.opt_hdr_size = 64;
	REFUSED(&s, EFI_LOAD_ERROR, "optional header too small");
}

TEST(optional_header_outside_file)
{
	struct pb_spec s;

	pb_default(&s);
	s.opt_hdr_size = 0xf000;
	REFUSED(&s, EFI_LOAD_ERROR, "optional header outside");
}

TEST(too_many_data_directories)
{
	struct pb_spec s;

	pb_default(&s);
	s.data_dirs = 17;
	REFUSED(&s, EFI_LOAD_ERROR, "NumberOfRvaAndSizes");
}

TEST(data_directories_past_optional_header)
{
	struct pb_spec s;

	pb_default(&s);
	s.opt_hdr_size = sizeof(struct pe32plus_opt_hdr) + 4 * 8;
	s.data_dirs = 6;
	s.nr_sections = 2;
	REFUSED(&s, EFI_LOAD_ERROR, "NumberOfRvaAndSizes");
}

TEST(not_an_efi_application)
{
	struct pb_spec s;

	pb_default(&s);
	s.subsystem = 3;	/* Windows console */
	REFUSED(&s, EFI_UNSUPPORTED, "EFI application");
}

TEST(file_alignment_not_power_of_two)
{
	struct pb_spec s;

	pb_default(&s);
	s.file_align = 0x300;
	REFUSED(&s, EFI_LOAD_ERROR, "Alignment");
}

TEST(section_alignment_below_file_alignment)
{
	struct pb_spec s;

	pb_default(&s);
	s.section_align = 0x100;
	REFUSED(&s, EFI_LOAD_ERROR, "Alignment");
}

TEST(section_alignment_huge)
{
	struct pb_spec s;

	pb_default(&s);
	s.section_align = 0x80000000;
	REFUSED(&s, EFI_LOAD_ERROR, "Alignment");
}

TEST(size_of_image_zero)
{
	struct pb_spec s;

	pb_default(&s);
	s.image_size = 0;
	REFUSED(&s, EFI_LOAD_ERROR, "SizeOfImage");
}

TEST(size_of_image_too_large)
{
	struct pb_spec s;

	pb_default(&s);
	s.image_size = 0xfffff000;
	REFUSED(&s, EFI_LOAD_ERROR, "SizeOfImage");
}

TEST(no_sections)
{
	struct pb_spec s;

	pb_default(&s);
	s.nr_sections = 0;
	REFUSED(&s, EFI_LOAD_ERROR, "NumberOfSections");
}

TEST(too_many_sections)
{
	struct pb_spec s;

	pb_default(&s);
	s.nr_sections = 97;
	REFUSED(&s, EFI_LOAD_ERROR, "NumberOfSections");
}

TEST(section_table_outside_file)
{
	struct pb_spec s;

	pb_default(&s);
	s.nr_sections = 90;
	REFUSED(&s, EFI_LOAD_ERROR, "section table outside");
}

TEST(size_of_headers_below_section_table)
{
	struct pb_spec s;

	pb_default(&s);
	s.header_size = 0x100;
	REFUSED(&s, EFI_LOAD_ERROR, "SizeOfHeaders");
}

TEST(size_of_headers_past_file)
{
	struct pb_spec s;

	pb_default(&s);
	s.header_size = 0x1000;
	REFUSED(&s, EFI_LOAD_ERROR, "SizeOfHeaders");
}

TEST(entry_point_zero)
{
	struct pb_spec s;

	pb_default(&s);
	s.entry = 0;
	REFUSED(&s, EFI_LOAD_ERROR, "entry point");
}

TEST(entry_point_past_image)
{
	struct pb_spec s;

	pb_default(&s);
	s.entry = 0x4000;
	REFUSED(&s, EFI_LOAD_ERROR, "entry point");
}

TEST(entry_point_between_sections)
{
	struct pb_spec s;

	pb_default(&s);
	s.entry = 0x2900;	/* after .text, before .reloc */
	REFUSED(&s, EFI_LOAD_ERROR, "entry point outside every section");
}

/*
 * A section need not start on SectionAlignment, as EDK2 and U-Boot load
 * such images: Debian's x86 systemd-stub has .sdmagic 0x100 bytes after
 * .sbat in the same page.  Order and bounds are still checked.
 */
TEST(section_unaligned_accepted)
{
	struct emu_pe_info pe;
	struct pb_spec s;
	const char *why;

	pb_default(&s);
	s.sect[1].rva = 0x3100;
	s.reloc_rva = 0x3100;
	ASSERT_EQ(EFI_SUCCESS, parse(&s, &pe, &why)) {
		TH_LOG("refused: %s", why);
	}
	EXPECT_EQ(0x3100, pe.reloc_rva);
}

TEST(sections_overlap)
{
	struct pb_spec s;

	pb_default(&s);
	s.sect[0].vsize = 0x2800;	/* runs into .reloc at 0x3000 */
	REFUSED(&s, EFI_LOAD_ERROR, "overlaps");
}

TEST(section_overlaps_headers)
{
	struct pb_spec s;

	pb_default(&s);
	s.section_align = 0x200;
	s.sect[0].rva = 0x200;
	s.entry = 0x210;
	REFUSED(&s, EFI_LOAD_ERROR, "overlaps");
}

TEST(section_past_size_of_image)
{
	struct pb_spec s;

	pb_default(&s);
	s.sect[1].vsize = 0x1001;
	REFUSED(&s, EFI_LOAD_ERROR, "past SizeOfImage");
}

TEST(section_vsize_wraps)
{
	struct pb_spec s;

	pb_default(&s);
	s.sect[1].vsize = 0xfffffff0;
	REFUSED(&s, EFI_LOAD_ERROR, "past SizeOfImage");
}

TEST(section_data_outside_file)
{
	struct pb_spec s;

	pb_default(&s);
	s.sect[0].raw_size = 0x1000;	/* file is 0x800 bytes */
	REFUSED(&s, EFI_LOAD_ERROR, "outside the file");
}

TEST(section_data_offset_wraps)
{
	struct pb_spec s;

	pb_default(&s);
	s.sect[0].file_off = 0xffffff00;
	s.sect[0].fill = 0;
	REFUSED(&s, EFI_LOAD_ERROR, "outside the file");
}

TEST(relocation_directory_outside_image)
{
	struct pb_spec s;

	pb_default(&s);
	s.reloc_size = 0x2000;
	REFUSED(&s, EFI_LOAD_ERROR, "relocation directory");
}

TEST(relocation_directory_in_headers)
{
	struct pb_spec s;

	pb_default(&s);
	s.reloc_rva = 0x100;
	REFUSED(&s, EFI_LOAD_ERROR, "relocation directory");
}

/* Parse, load into a fresh buffer; the caller frees *image. */
static efi_status_t load(const struct pb_spec *s, struct emu_pe_info *pe,
			 uint8_t **image, const char **why)
{
	size_t size;
	uint8_t *f = pb_build(s, &size);
	efi_status_t st;

	*image = NULL;
	st = emu_pe_parse(f, size, ARM64, pe, why);
	if (st == EFI_SUCCESS) {
		*image = malloc(pe->image_size);
		memset(*image, 0x55, pe->image_size);
		st = emu_pe_load(f, size, pe, *image, pe->image_size, why);
	}
	free(f);
	return st;
}

/* A two-profile UKI repeats .profile: each with file data counts once. */
TEST(count_sections_by_exact_name)
{
	struct emu_pe_info pe;
	const char *why;
	struct pb_spec s;
	uint8_t *f;
	size_t size;

	pb_default(&s);
	memcpy(s.sect[0].name, ".profile", 8);
	s.sect[2] = s.sect[1];
	s.sect[1] = (struct pb_section){ ".profile", 0x3000, 0x10, 0x200,
					 0x600, 0, 0x11 };
	s.sect[2].rva = 0x4000;
	s.sect[2].file_off = 0x800;
	s.reloc_rva = 0x4000;
	s.image_size = 0x5000;
	s.nr_sections = 3;
	s.nr_sect = 3;
	s.file_size = 0xa00;
	f = pb_build(&s, &size);
	ASSERT_EQ(EFI_SUCCESS, emu_pe_parse(f, size, ARM64, &pe, &why)) {
		TH_LOG("refused: '%s'", why);
	}
	EXPECT_EQ(2, emu_pe_count_sections(f, &pe, ".profile"));
	EXPECT_EQ(1, emu_pe_count_sections(f, &pe, ".reloc"));
	EXPECT_EQ(0, emu_pe_count_sections(f, &pe, ".prof"));
	EXPECT_EQ(0, emu_pe_count_sections(f, &pe, ".profile1"));
	free(f);

	/* Without file data (BSS-like) it is no profile. */
	s.sect[1].raw_size = 0;
	f = pb_build(&s, &size);
	ASSERT_EQ(EFI_SUCCESS, emu_pe_parse(f, size, ARM64, &pe, &why));
	EXPECT_EQ(1, emu_pe_count_sections(f, &pe, ".profile"));
	free(f);
}

TEST(load_copies_headers_sections_and_zeroes_the_rest)
{
	struct emu_pe_info pe;
	const char *why;
	uint8_t *img;
	uint32_t i;

	ASSERT_EQ(EFI_SUCCESS, ({ struct pb_spec s; pb_default(&s);
				  load(&s, &pe, &img, &why); }));
	EXPECT_EQ('M', img[0]);
	EXPECT_EQ('Z', img[1]);
	for (i = 0x400; i < 0x1000; i++)
		ASSERT_EQ(0, img[i]);
	for (i = 0x1000; i < 0x1200; i++)
		ASSERT_EQ(0xaa, img[i]);
	/* VirtualSize beyond the file data is zero (BSS). */
	for (i = 0x1200; i < 0x3000; i++)
		ASSERT_EQ(0, img[i]) TH_LOG("byte at %#x", i);
	for (i = 0x300c; i < 0x4000; i++)
		ASSERT_EQ(0, img[i]);
	free(img);
}

TEST(load_truncates_raw_data_to_virtual_size)
{
	struct emu_pe_info pe;
	struct pb_spec s;
	const char *why;
	uint8_t *img;
	uint32_t i;

	pb_default(&s);
	s.sect[0].vsize = 0x100;	/* file has 0x200 bytes of 0xaa */
	s.entry = 0x1010;
	ASSERT_EQ(EFI_SUCCESS, load(&s, &pe, &img, &why));
	for (i = 0x1000; i < 0x1100; i++)
		ASSERT_EQ(0xaa, img[i]);
	for (i = 0x1100; i < 0x1200; i++)
		ASSERT_EQ(0, img[i]);
	free(img);
}

TEST(load_refuses_small_destination)
{
	struct emu_pe_info pe;
	struct pb_spec s;
	const char *why;
	uint8_t buf[0x1000];
	uint8_t *f;
	size_t size;

	pb_default(&s);
	f = pb_build(&s, &size);
	ASSERT_EQ(EFI_SUCCESS, emu_pe_parse(f, size, ARM64, &pe, &why));
	ASSERT_EQ(EFI_BUFFER_TOO_SMALL,
		  emu_pe_load(f, size, &pe, buf, sizeof(buf), &why));
	free(f);
}

static uint64_t read64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

TEST(relocate_dir64)
{
	struct emu_pe_info pe;
	struct pb_spec s;
	const char *why;
	uint8_t *img;

	pb_default(&s);
	ASSERT_EQ(EFI_SUCCESS, load(&s, &pe, &img, &why));
	ASSERT_EQ(EFI_SUCCESS, emu_pe_relocate(img, &pe, 0x10230000, &why));
	EXPECT_EQ(0xaaaaaaaaaaaaaaaaULL + 0x230000, read64(img + 0x1008));
	/* Neighbours untouched. */
	EXPECT_EQ(0xaaaaaaaaaaaaaaaaULL, read64(img + 0x1000));
	EXPECT_EQ(0xaaaaaaaaaaaaaaaaULL, read64(img + 0x1010));
	free(img);
}

TEST(relocate_downwards)
{
	struct emu_pe_info pe;
	struct pb_spec s;
	const char *why;
	uint8_t *img;

	pb_default(&s);
	ASSERT_EQ(EFI_SUCCESS, load(&s, &pe, &img, &why));
	ASSERT_EQ(EFI_SUCCESS, emu_pe_relocate(img, &pe, 0x1000, &why));
	EXPECT_EQ(0xaaaaaaaaaaaaaaaaULL - (0x10000000 - 0x1000),
		  read64(img + 0x1008));
	free(img);
}

TEST(relocate_same_base_is_a_no_op)
{
	struct emu_pe_info pe;
	struct pb_spec s;
	const char *why;
	uint8_t *img;

	pb_default(&s);
	ASSERT_EQ(EFI_SUCCESS, load(&s, &pe, &img, &why));
	ASSERT_EQ(EFI_SUCCESS, emu_pe_relocate(img, &pe, 0x10000000, &why));
	EXPECT_EQ(0xaaaaaaaaaaaaaaaaULL, read64(img + 0x1008));
	free(img);
}

/* The load-time check: the table walked in the file, nothing loaded. */
static efi_status_t check_in_place(const struct pb_spec *s, const char **why)
{
	struct emu_pe_info pe;
	efi_status_t st;
	size_t size;
	uint8_t *f = pb_build(s, &size);

	st = emu_pe_parse(f, size, ARM64, &pe, why);
	if (st == EFI_SUCCESS)
		st = emu_pe_check_relocs(f, &pe, why);
	free(f);
	return st;
}

/* A refused table leaves the image as loaded; the check refuses it too. */
#define RELOC_REFUSED(mutate, status, text) do {			\
		struct emu_pe_info pe;					\
		struct pb_spec s;					\
		const char *why = "", *why2 = "";			\
		efi_status_t want = (status);				\
		uint8_t *img;						\
									\
		pb_default(&s);						\
		mutate;							\
		ASSERT_EQ(EFI_SUCCESS, load(&s, &pe, &img, &why));	\
		ASSERT_EQ(want,						\
			  emu_pe_relocate(img, &pe, 0x20000000, &why));	\
		ASSERT_NE(NULL, strstr(why, text)) TH_LOG("%s", why);	\
		EXPECT_EQ(0xaaaaaaaaaaaaaaaaULL, read64(img + 0x1008));	\
		EXPECT_EQ(want, check_in_place(&s, &why2));		\
		EXPECT_STREQ(why, why2);				\
		free(img);						\
	} while (0)

/*
 * The in-place check reads the table as it lies in memory after
 * emu_pe_load(), not as it lies in the file: file data past VirtualSize
 * is not there (zeros), nor is anything between sections.
 */
TEST(relocation_check_reads_the_loaded_layout)
{
	struct emu_pe_info pe;
	struct pb_spec s;
	const char *why = "";
	uint8_t *img;
	int i;

	for (i = 0; i < 4; i++) {
		pb_default(&s);
		switch (i) {
		case 1:
			/* The entry lies past VirtualSize: ABSOLUTE (0) in memory. */
			s.sect[1].vsize = 8;
			s.reloc_page = 0x3000;
			s.relocs[0] = (10 << 12) | 0xffc;
			break;
		case 2:
			/* Starts in the gap below .reloc: a zero block size. */
			s.reloc_rva = 0x2ff8;
			s.reloc_size = 20;
			break;
		case 3:
			/* Runs past the block into the section's fill bytes. */
			s.reloc_size = 0x20;
			break;
		}
		ASSERT_EQ(EFI_SUCCESS, load(&s, &pe, &img, &why));
		EXPECT_EQ(emu_pe_relocate(img, &pe, 0x20000000, &why),
			  check_in_place(&s, &why)) TH_LOG("case %d", i);
		EXPECT_EQ(i < 2 ? EFI_SUCCESS : EFI_LOAD_ERROR,
			  check_in_place(&s, &why)) TH_LOG("case %d: %s", i, why);
		free(img);
	}
}

TEST(relocate_refuses_highlow)
{
	/* DIR64 first, then HIGHLOW (3): nothing may be applied. */
	RELOC_REFUSED(s.relocs[1] = (3 << 12) | 0x10, EFI_UNSUPPORTED,
		      "relocation type");
}

TEST(relocate_refuses_block_below_header_size)
{
	RELOC_REFUSED(s.block_size_override = 4, EFI_LOAD_ERROR,
		      "block size");
}

TEST(relocate_refuses_odd_block)
{
	RELOC_REFUSED(s.block_size_override = 11, EFI_LOAD_ERROR,
		      "block size");
}

TEST(relocate_refuses_block_past_directory)
{
	RELOC_REFUSED(s.block_size_override = 0x100, EFI_LOAD_ERROR,
		      "block size");
}

TEST(relocate_refuses_target_past_image)
{
	RELOC_REFUSED(s.reloc_page = 0x3ff8 & ~0xfff; s.relocs[0] = 0;
		      s.relocs[1] = (10 << 12) | 0xffc, EFI_LOAD_ERROR,
		      "target outside");
}

/*
 * A DIR64 entry that patches the table itself: applying it would change
 * the blocks still to be walked (found by the fuzzer: the check passed,
 * the apply pass then read a patched block size).
 */
TEST(relocate_refuses_target_in_the_table)
{
	RELOC_REFUSED(s.reloc_page = 0x3000; s.relocs[0] = (10 << 12) | 0x004,
		      EFI_LOAD_ERROR, "inside the relocation table");
}

/* ---- which Linux boot image a file is (emu_pe_linux_kind()) ---------- */

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* The default image: an EFI application, and nothing Linux about it. */
static uint8_t *plain_app(size_t *size)
{
	struct pb_spec s;

	pb_default(&s);
	return pb_build(&s, size);
}

/* An arm64 Image: the default image with the arm64 magic at 0x38. */
static uint8_t *arm64_image(size_t *size)
{
	uint8_t *f = plain_app(size);

	memcpy(f + 0x38, "ARM\x64", 4);
	return f;
}

/* A zboot header whose payload is .text's file data, starting MAGIC. */
static uint8_t *zboot(const char *comp, const char *magic, size_t mlen,
		      size_t *size)
{
	uint8_t *f = plain_app(size);

	memcpy(f + 4, "zimg", 4);
	put32(f + 8, 0x400);
	put32(f + 12, 0x200);
	/* Zero padded, not terminated when it fills the field. */
	memcpy(f + 0x18, comp, strnlen(comp, 0x38 - 0x18));
	put32(f + 0x38, LINUX_PE_MAGIC);
	memcpy(f + 0x400, magic, mlen);
	return f;
}

/* The default image with a third section NAME holding INNER. */
static uint8_t *with_section(const char *name, const uint8_t *inner,
			     size_t inner_size, size_t *size)
{
	uint32_t raw = (inner_size + 0x1ff) & ~0x1ffU;
	uint32_t rrva = 0x3000 + ((raw + 0xfff) & ~0xfffU);
	struct pb_spec s;
	uint8_t *f;

	pb_default(&s);
	s.nr_sections = 3;
	s.nr_sect = 3;
	s.sect[2] = s.sect[1];
	s.sect[2].rva = rrva;
	s.sect[2].file_off = 0x600 + raw;
	s.sect[1] = (struct pb_section){ "", 0x3000, inner_size, raw, 0x600,
					 0, 0 };
	memcpy(s.sect[1].name, name, strnlen(name, sizeof(s.sect[1].name)));
	s.reloc_rva = rrva;
	s.image_size = rrva + 0x1000;
	s.file_size = 0x600 + raw + 0x200;
	f = pb_build(&s, size);
	memcpy(f + 0x600, inner, inner_size);
	return f;
}

/* Wrap F (freed) in a UKI-like image N times. */
static uint8_t *uki(uint8_t *f, size_t *size, int n)
{
	uint8_t *outer;

	while (n--) {
		outer = with_section(".linux", f, *size, size);
		free(f);
		f = outer;
	}
	return f;
}

static const char *kind_of(uint8_t *f, size_t size, const char **why)
{
	const char *kind;

	*why = "";
	kind = emu_pe_linux_kind(f, size, ARM64, why);
	free(f);
	return kind;
}

#define KIND(build, name) do {						\
		const char *why_, *kind_;				\
		size_t size_;						\
		uint8_t *f_ = build;					\
		kind_ = kind_of(f_, size_, &why_);			\
		ASSERT_NE(NULL, kind_) {				\
			TH_LOG("refused: '%s'", why_);			\
		}							\
		ASSERT_STREQ(name, kind_);				\
	} while (0)

#define NOT_LINUX(build, text) do {					\
		const char *why_;					\
		size_t size_;						\
		uint8_t *f_ = build;					\
		ASSERT_EQ(NULL, kind_of(f_, size_, &why_));		\
		ASSERT_NE(NULL, strstr(why_, text)) {			\
			TH_LOG("reason was '%s'", why_);		\
		}							\
	} while (0)

TEST(kind_efi_application_refused)
{
	NOT_LINUX(plain_app(&size_), "an EFI application, not a Linux kernel");
}

TEST(kind_systemd_stub_alone_refused)
{
	static const uint8_t magic[] = "#### LoaderInfo: systemd-stub ####";

	NOT_LINUX(with_section(".sdmagic", magic, sizeof(magic), &size_),
		  "systemd-stub without a .linux section");
}

TEST(kind_arm64_image)
{
	KIND(arm64_image(&size_), "Linux kernel with EFI stub");
}

TEST(kind_zboot_gzip_and_zstd)
{
	KIND(zboot("gzip", "\x1f\x8b\x08", 3, &size_), "EFI zboot image");
	KIND(zboot("zstd", "\x28\xb5\x2f\xfd", 4, &size_), "EFI zboot image");
	KIND(zboot("zstd22", "\x28\xb5\x2f\xfd", 4, &size_),
	     "EFI zboot image");
}

TEST(kind_zboot_unknown_compression)
{
	NOT_LINUX(zboot("brotli", "\x1f\x8b\x08", 3, &size_),
		  "unknown compression");
	/* A name is matched whole, not as a prefix. */
	NOT_LINUX(zboot("gzipx", "\x1f\x8b\x08", 3, &size_),
		  "unknown compression");
}

TEST(kind_zboot_payload_not_compressed)
{
	NOT_LINUX(zboot("gzip", "\x28\xb5\x2f\xfd", 4, &size_),
		  "not in its compression format");
}

/* A zboot image with the u32 at @off rewritten: refused for @text. */
static void zboot_bent(struct __test_metadata *_metadata, u32 off, u32 val,
		       const char *text)
{
	const char *why;
	size_t size;
	uint8_t *f = zboot("gzip", "\x1f\x8b\x08", 3, &size);

	put32(f + off, val);
	ASSERT_EQ(NULL, kind_of(f, size, &why));
	ASSERT_NE(NULL, strstr(why, text)) {
		TH_LOG("reason was '%s'", why);
	}
}

TEST(kind_zboot_payload_outside_file)
{
	zboot_bent(_metadata, 12, 0x7fffffff, "payload missing");
	zboot_bent(_metadata, 8, 0x7fffff00, "payload missing");
}

/* 6.1's header leaves 0x38 zero; anything else is not libstub's. */
TEST(kind_zboot_linux_magic_zero_or_right)
{
	const char *why = "";
	size_t size;
	uint8_t *f = zboot("gzip", "\x1f\x8b\x08", 3, &size);

	put32(f + 0x38, 0);
	ASSERT_STREQ("EFI zboot image", kind_of(f, size, &why)) {
		TH_LOG("refused: '%s'", why);
	}
	zboot_bent(_metadata, 0x38, 0x12345678, "foreign magic at 0x38");
}

TEST(kind_uki_of_image_and_of_zboot)
{
	KIND(uki(arm64_image(&size_), &size_, 1), "Unified Kernel Image");
	KIND(uki(zboot("gzip", "\x1f\x8b\x08", 3, &size_), &size_, 1),
	     "Unified Kernel Image");
}

TEST(kind_uki_of_efi_application_refused)
{
	NOT_LINUX(uki(plain_app(&size_), &size_, 1),
		  "an EFI application, not a Linux kernel");
}

TEST(kind_uki_whose_linux_is_malformed_refused)
{
	uint8_t *f;
	size_t size_;
	const char *why;

	f = arm64_image(&size_);
	put32(f + 0x3c, 0x7ffffff8);	/* e_lfanew */
	f = uki(f, &size_, 1);
	ASSERT_EQ(NULL, kind_of(f, size_, &why));
	ASSERT_NE(NULL, strstr(why, "e_lfanew"));
}

TEST(kind_uki_nesting_is_bounded)
{
	KIND(uki(arm64_image(&size_), &size_, 2), "Unified Kernel Image");
	NOT_LINUX(uki(arm64_image(&size_), &size_, 3), "nested too deep");
}

TEST(kind_foreign_machine_refused)
{
	const char *why = "";
	size_t size;
	uint8_t *f = zboot("gzip", "\x1f\x8b\x08", 3, &size);

	ASSERT_EQ(NULL, emu_pe_linux_kind(f, size, IMAGE_FILE_MACHINE_AMD64,
					  &why));
	ASSERT_NE(NULL, strstr(why, "AARCH64"));
	free(f);
}

TEST_HARNESS_MAIN
