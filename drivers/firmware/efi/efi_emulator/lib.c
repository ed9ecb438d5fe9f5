// SPDX-License-Identifier: GPL-2.0
/*
 * Small library routines of the emulator: CRC32 for table headers and
 * CalculateCrc32(), UTF-8 to UTF-16 conversion for LoadOptions, and the
 * mem*() functions a freestanding build must bring along.
 */
#include "emulator.h"

/*
 * emu_crc32() - CRC-32 (IEEE 802.3, reflected, polynomial 0xedb88320)
 * @crc:	CRC of the data so far, 0 to start
 * @buf:	data
 * @len:	length of @buf in bytes
 *
 * The CRC UEFI uses for table headers and CalculateCrc32().  A nibble
 * table keeps it small; the tables it runs over are a few KiB at most.
 *
 * Return: the CRC of the data so far including @buf.
 */
u32 emu_crc32(u32 crc, const void *buf, size_t len)
{
	static const u32 nibble[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
		0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
		0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
	};
	const u8 *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ nibble[crc & 15];
		crc = (crc >> 4) ^ nibble[crc & 15];
	}
	return ~crc;
}

/* Decode one UTF-8 sequence; return its length, 0 if it is malformed. */
static size_t utf8_decode(const u8 *s, size_t len, u32 *cp)
{
	size_t n, i;
	u32 c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		c = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		c = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/**
 * emu_utf8_to_utf16() - convert a UTF-8 string to NUL-terminated UTF-16
 * @src:	UTF-8 input, not necessarily NUL-terminated
 * @len:	bytes of @src to convert; a NUL byte ends the input early
 * @dst:	output buffer, may be NULL when *@dst_len is 0
 * @dst_len:	in: capacity of @dst in UTF-16 units; out: units needed,
 *		including the terminating NUL
 *
 * Code points above U+FFFF become surrogate pairs.  The command line a
 * payload gets in LoadOptions is produced here, so malformed input is
 * refused rather than passed on half-converted.
 *
 * Return: EFI_SUCCESS, EFI_BUFFER_TOO_SMALL (with *@dst_len set to the
 * size needed), or EFI_INVALID_PARAMETER for malformed UTF-8.
 */
efi_status_t emu_utf8_to_utf16(const char *src, size_t len,
			       efi_char16_t *dst, size_t *dst_len)
{
	const u8 *s = (const u8 *)src;
	size_t cap = *dst_len, out = 0, n;
	u32 cp;

	while (len && *s) {
		n = utf8_decode(s, len, &cp);
		if (!n)
			return EFI_INVALID_PARAMETER;
		s += n;
		len -= n;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			if (out + 2 <= cap) {
				dst[out] = 0xd800 | (cp >> 10);
				dst[out + 1] = 0xdc00 | (cp & 0x3ff);
			}
			out += 2;
		} else {
			if (out + 1 <= cap)
				dst[out] = cp;
			out++;
		}
	}
	if (out + 1 <= cap)
		dst[out] = 0;
	*dst_len = out + 1;
	return out + 1 <= cap ? EFI_SUCCESS : EFI_BUFFER_TOO_SMALL;
}

/**
 * emu_us_to_ticks() - timer ticks in a delay, for Stall()
 * @freq:	timer frequency in Hz
 * @us:		microseconds
 *
 * Rounded up, so a delay is never shorter than asked (also below 1 MHz,
 * where a per-microsecond rate would be 0), and saturating rather than
 * wrapping for absurd delays.
 *
 * Return: the number of ticks.
 */
u64 emu_us_to_ticks(u64 freq, u64 us)
{
	u64 whole = us / 1000000, part = us % 1000000, ticks, rest;

	if (freq && whole > ~0ULL / freq)
		return ~0ULL;
	ticks = whole * freq;
	/* part < 10^6 and CNTFRQ fits in 32 bits: no overflow. */
	rest = (part * (freq & 0xffffffff) + 999999) / 1000000;
	return ticks > ~0ULL - rest ? ~0ULL : ticks + rest;
}

#ifdef EMU_FREESTANDING
/*
 * The compiler may emit calls to these even where the code does not, so
 * they are not static.  Image sections, initrds and the pages payloads
 * ask to be zeroed pass through here (LoadImage(), CopyMem(), SetMem()),
 * so aligned memory goes eight bytes at a time: with byte loops they were
 * 146 of the 188 million instructions the emulator and systemd-stub took
 * for a UKI of an uncompressed Image (make bench, QEMU -icount).
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	if (!(((unsigned long)d | (unsigned long)s) & 7))
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(u64 *)d = *(const u64 *)s;
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	u8 *d = dst;

	if (!((unsigned long)d & 7))
		for (; n >= 8; n -= 8, d += 8)
			*(u64 *)d = 0x0101010101010101ULL * (u8)c;
	while (n--)
		*d++ = c;
	return dst;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

/* For libfdt (dt_fixup.c). */
void *memchr(const void *s, int c, size_t n)
{
	const u8 *p = s;

	for (; n; n--, p++)
		if (*p == (u8)c)
			return (void *)p;
	return NULL;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	do {
		if (*s == (char)c)
			last = s;
	} while (*s++);
	return (char *)last;
}
#endif
