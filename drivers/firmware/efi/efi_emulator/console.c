// SPDX-License-Identifier: GPL-2.0
/*
 * Console: the emulator's own messages (emu_printf()) and the payload's
 * EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL, both on the platform's write hook
 * (the earlycon UART on the kexec path, stdout on the host).  UTF-16 text
 * from the payload is reduced to ASCII: a serial console is all there is.
 */
#include "emulator.h"

static void out(const char *s, size_t len)
{
	if (emu && emu->ops && emu->ops->write)
		emu->ops->write(s, len);
}

static size_t fmt_num(char *buf, unsigned long long v, unsigned int base,
		      int width, bool neg)
{
	char tmp[24];
	size_t n = 0, i = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while ((int)n < width && n < sizeof(tmp))
		tmp[n++] = '0';
	if (neg)
		buf[i++] = '-';
	while (n)
		buf[i++] = tmp[--n];
	return i;
}

/**
 * emu_printf() - print a message of the emulator on the console
 * @fmt: format: %s %c %d %u %x %p with optional 0-padded width and l/ll
 *
 * Enough for diagnostics, small enough for a freestanding blob.  Output
 * is prefixed by nothing: callers write "efi-emu: ..." themselves.
 */
void emu_printf(const char *fmt, ...)
{
	__builtin_va_list ap;	/* a native variadic function */
	char buf[32];
	const char *s;
	unsigned long long uv;
	long long sv;
	int width, lng;

	__builtin_va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			out(fmt, 1);
			continue;
		}
		fmt++;
		width = 0;
		lng = 0;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		while (*fmt == 'l') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 's':
			s = __builtin_va_arg(ap, const char *);
			s = s ? s : "(null)";
			out(s, strlen(s));
			break;
		case 'c':
			buf[0] = __builtin_va_arg(ap, int);
			out(buf, 1);
			break;
		case 'd':
			sv = lng ? __builtin_va_arg(ap, long long) :
				   __builtin_va_arg(ap, int);
			out(buf, fmt_num(buf,
					 sv < 0 ? -(unsigned long long)sv :
						  (unsigned long long)sv,
					 10, width, sv < 0));
			break;
		case 'u':
		case 'x':
			uv = lng ? __builtin_va_arg(ap, unsigned long long) :
				   __builtin_va_arg(ap, unsigned int);
			out(buf, fmt_num(buf, uv, *fmt == 'x' ? 16 : 10, width,
					 false));
			break;
		case 'p':
			out("0x", 2);
			out(buf,
			    fmt_num(buf, (unsigned long)__builtin_va_arg(ap, void *),
				    16, 0, false));
			break;
		case '%':
			out("%", 1);
			break;
		default:
			out("%?", 2);
			if (!*fmt)
				fmt--;
			break;
		}
	}
	__builtin_va_end(ap);
}

static efi_status_t __efiapi con_reset(efi_simple_text_output_protocol_t *this,
				       bool extended)
{
	return EFI_SUCCESS;
}

/* Implements OutputString() (UEFI 2.10, 12.4). */
static efi_status_t __efiapi
con_output_string(efi_simple_text_output_protocol_t *this, efi_char16_t *str)
{
	char buf[64];
	size_t n = 0;

	if (!str)
		return EFI_INVALID_PARAMETER;
	for (; *str; str++) {
		buf[n++] = *str < 0x80 ? (char)*str : '?';
		if (n == sizeof(buf)) {
			out(buf, n);
			n = 0;
		}
	}
	out(buf, n);
	return EFI_SUCCESS;
}

static efi_status_t __efiapi
con_test_string(efi_simple_text_output_protocol_t *this, efi_char16_t *str)
{
	return EFI_SUCCESS;
}

static efi_status_t __efiapi
con_query_mode(efi_simple_text_output_protocol_t *this, unsigned long mode,
	       unsigned long *columns, unsigned long *rows)
{
	if (mode != 0)
		return EFI_UNSUPPORTED;
	if (!columns || !rows)
		return EFI_INVALID_PARAMETER;
	*columns = 80;
	*rows = 25;
	return EFI_SUCCESS;
}

static efi_status_t __efiapi
con_set_mode(efi_simple_text_output_protocol_t *this, unsigned long mode)
{
	return mode == 0 ? EFI_SUCCESS : EFI_UNSUPPORTED;
}

static efi_status_t __efiapi
con_set_attribute(efi_simple_text_output_protocol_t *this, unsigned long attr)
{
	emu->con_mode.attribute = attr;
	return EFI_SUCCESS;
}

static efi_status_t __efiapi
con_clear_screen(efi_simple_text_output_protocol_t *this)
{
	return EFI_SUCCESS;
}

static efi_status_t __efiapi
con_set_cursor(efi_simple_text_output_protocol_t *this, unsigned long column,
	       unsigned long row)
{
	return EFI_UNSUPPORTED;
}

static efi_status_t __efiapi
con_enable_cursor(efi_simple_text_output_protocol_t *this, bool visible)
{
	return visible ? EFI_UNSUPPORTED : EFI_SUCCESS;
}

/*
 * ConIn (UEFI 2.10, 12.3): the console is write-only.  After kexec -e, and
 * above all after a crash, no one is there to answer a prompt, and the
 * UART's receive side belongs to the next kernel: no key is ever pending.
 * Reset() succeeds, ReadKeyStroke() says EFI_NOT_READY, and WaitForKey is
 * never signalled (CheckEvent() says EFI_NOT_READY; WaitForEvent() on it
 * alone fails rather than wait forever), as a console with an empty
 * keyboard buffer would answer.
 */
static efi_status_t __efiapi
con_in_reset(struct efi_simple_text_input_protocol *this, bool extended)
{
	return this ? EFI_SUCCESS : EFI_INVALID_PARAMETER;
}

static efi_status_t __efiapi
con_in_read(struct efi_simple_text_input_protocol *this, efi_input_key_t *key)
{
	if (!this || !key)
		return EFI_INVALID_PARAMETER;
	return EFI_NOT_READY;
}

/**
 * emu_console_init() - set up ConIn, ConOut and StdErr and their handle
 *
 * A serial line has one 80x25 mode, no cursor control and no colours;
 * the protocol says so rather than pretending.  Input: see con_in_read().
 *
 * Return: EFI_SUCCESS, or EFI_OUT_OF_RESOURCES for the WaitForKey event.
 */
efi_status_t emu_console_init(void)
{
	static const efi_guid_t guid = EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL_GUID;
	static const efi_guid_t in_guid = EFI_SIMPLE_TEXT_INPUT_PROTOCOL_GUID;
	efi_status_t status;

	emu->con_mode = (efi_simple_text_output_mode_t){ .max_mode = 1 };
	emu->con_out = (efi_simple_text_output_protocol_t){
		.reset = con_reset,
		.output_string = con_output_string,
		.test_string = con_test_string,
		.query_mode = con_query_mode,
		.set_mode = con_set_mode,
		.set_attribute = con_set_attribute,
		.clear_screen = con_clear_screen,
		.set_cursor_position = con_set_cursor,
		.enable_cursor = con_enable_cursor,
		.mode = &emu->con_mode,
	};
	emu->con_handle = NULL;
	emu_install_protocol(&emu->con_handle, &guid, &emu->con_out);
	emu->con_in = (struct efi_simple_text_input_protocol){
		.reset = con_in_reset,
		.read_keystroke = con_in_read,
	};
	status = emu_create_event(0, NULL, NULL, &emu->con_in.wait_for_key);
	if (status != EFI_SUCCESS)
		return status;
	return emu_install_protocol(&emu->con_handle, &in_guid, &emu->con_in);
}
