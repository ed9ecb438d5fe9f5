// SPDX-License-Identifier: GPL-2.0
/*
 * Library routines: CRC32 against published check values, and the UTF-8
 * to UTF-16 conversion that produces LoadOptions, including its bounds.
 */
#include <string.h>
#include "emulator.h"
#include "kselftest_harness.h"

TEST(crc32_known_vectors)
{
	const char *fox = "The quick brown fox jumps over the lazy dog";

	EXPECT_EQ(0x00000000, emu_crc32(0, "", 0));
	EXPECT_EQ(0xcbf43926, emu_crc32(0, "123456789", 9));
	EXPECT_EQ(0xe8b7be43, emu_crc32(0, "a", 1));
	EXPECT_EQ(0x414fa339, emu_crc32(0, fox, strlen(fox)));
}

TEST(crc32_incremental_equals_one_shot)
{
	const char *s = "123456789";

	EXPECT_EQ(0xcbf43926, emu_crc32(emu_crc32(0, s, 4), s + 4, 5));
}

static efi_status_t conv(const char *s, efi_char16_t *out, size_t *cap)
{
	return emu_utf8_to_utf16(s, strlen(s), out, cap);
}

TEST(utf16_ascii)
{
	efi_char16_t out[16];
	size_t cap = 16;

	ASSERT_EQ(EFI_SUCCESS, conv("ro quiet", out, &cap));
	EXPECT_EQ(9, cap);
	EXPECT_EQ('r', out[0]);
	EXPECT_EQ('t', out[7]);
	EXPECT_EQ(0, out[8]);
}

TEST(utf16_multibyte_and_surrogates)
{
	/* e-acute, euro sign, U+1F600 */
	const char *s = "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
	efi_char16_t out[8];
	size_t cap = 8;

	ASSERT_EQ(EFI_SUCCESS, conv(s, out, &cap));
	EXPECT_EQ(5, cap);
	EXPECT_EQ(0x00e9, out[0]);
	EXPECT_EQ(0x20ac, out[1]);
	EXPECT_EQ(0xd83d, out[2]);
	EXPECT_EQ(0xde00, out[3]);
	EXPECT_EQ(0, out[4]);
}

TEST(utf16_refuses_malformed)
{
	static const char * const bad[] = {
		"\xc0\xaf",		/* overlong '/' */
		"\xe0\x80\xaf",		/* overlong, 3 bytes */
		"\xed\xa0\x80",		/* UTF-16 surrogate */
		"\xf4\x90\x80\x80",	/* past U+10FFFF */
		"\xe2\x82",		/* truncated */
		"\x80",			/* stray continuation */
		"\xff",
		"ok\xc3(",		/* bad continuation */
	};
	efi_char16_t out[16];
	size_t i, cap;

	for (i = 0; i < EMU_ARRAY_SIZE(bad); i++) {
		cap = 16;
		EXPECT_EQ(EFI_INVALID_PARAMETER, conv(bad[i], out, &cap))
			TH_LOG("input %zu accepted", i);
	}
}

TEST(utf16_exact_fit_and_one_short)
{
	efi_char16_t out[8];
	size_t cap;

	cap = 4;
	EXPECT_EQ(EFI_SUCCESS, conv("abc", out, &cap));
	EXPECT_EQ(4, cap);

	/* One unit short: nothing past the buffer is written. */
	memset(out, 0x5a, sizeof(out));
	cap = 3;
	EXPECT_EQ(EFI_BUFFER_TOO_SMALL, conv("abc", out, &cap));
	EXPECT_EQ(4, cap);
	EXPECT_EQ(0x5a5a, out[3]);
}

TEST(utf16_size_probe_with_null_buffer)
{
	size_t cap = 0;

	EXPECT_EQ(EFI_BUFFER_TOO_SMALL,
		  conv("\xf0\x9f\x98\x80x", NULL, &cap));
	EXPECT_EQ(4, cap);
}

TEST(utf16_surrogate_pair_never_split)
{
	efi_char16_t out[4];
	size_t cap = 2;

	/* 'a' fits, the pair would need out[1] and out[2]: not half of it. */
	memset(out, 0x5a, sizeof(out));
	EXPECT_EQ(EFI_BUFFER_TOO_SMALL, conv("a\xf0\x9f\x98\x80", out, &cap));
	EXPECT_EQ(4, cap);
	EXPECT_EQ('a', out[0]);
	EXPECT_EQ(0x5a5a, out[1]);
}

TEST(utf16_length_bounds_input)
{
	efi_char16_t out[8];
	size_t cap = 8;

	/* Only the first 2 bytes are input; a NUL ends it earlier still. */
	EXPECT_EQ(EFI_SUCCESS, emu_utf8_to_utf16("abcdef", 2, out, &cap));
	EXPECT_EQ(3, cap);
	cap = 8;
	EXPECT_EQ(EFI_SUCCESS, emu_utf8_to_utf16("a\0bc", 4, out, &cap));
	EXPECT_EQ(2, cap);
	/* A multibyte sequence cut by the length is malformed. */
	cap = 8;
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  emu_utf8_to_utf16("\xe2\x82\xac", 2, out, &cap));
}

/* Stall(): never shorter than asked, also below 1 MHz; no wrap. */
TEST(stall_ticks_round_up_and_saturate)
{
	EXPECT_EQ(0, emu_us_to_ticks(62500000, 0));
	EXPECT_EQ(63, emu_us_to_ticks(62500000, 1));	/* 62.5 -> 63 */
	EXPECT_EQ(62500000, emu_us_to_ticks(62500000, 1000000));
	EXPECT_EQ(1, emu_us_to_ticks(32768, 1));	/* 32 kHz timer */
	EXPECT_EQ(33, emu_us_to_ticks(32768, 1000));
	EXPECT_EQ(32768ULL * 3600, emu_us_to_ticks(32768, 3600000000ULL));
	EXPECT_EQ(24000000ULL * 1000000, emu_us_to_ticks(24000000,
							 1000000000000ULL));
	EXPECT_EQ(~0ULL, emu_us_to_ticks(1000000000, ~0ULL));
	EXPECT_EQ(0, emu_us_to_ticks(0, 5));
}

TEST_HARNESS_MAIN
