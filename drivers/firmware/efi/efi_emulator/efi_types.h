/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The subset of the UEFI specification the emulator implements: status
 * codes, memory map, tables and protocol layouts.  The emulator is a small
 * firmware of its own, built freestanding for the kexec path and natively
 * for host tests, so it cannot include <linux/efi.h> (which needs the whole
 * kernel); names and layouts follow <linux/efi.h> and the UEFI 2.10 spec so
 * both read the same.  Only fixed-width types appear in layouts.
 */
#ifndef __EFI_EMULATOR_EFI_TYPES_H
#define __EFI_EMULATOR_EFI_TYPES_H

#include <linux/bits.h>
#include <linux/compiler.h>	/* __packed, __printf: kernel's or tools/ */
#include <linux/types.h>

/*
 * The calling convention of everything UEFI defines: boot and runtime
 * services, protocols, image entry points, event notification functions
 * (UEFI 2.10, 2.3).  It is the Microsoft x64 one on x86_64, so every such
 * function and pointer type carries __efiapi, and the compiler refuses a
 * service without it (an incompatible pointer type); on arm64 it is the
 * native convention and __efiapi is empty.  As in <linux/efi.h>.
 */
#ifndef __efiapi
#ifdef __x86_64__
#define __efiapi __attribute__((ms_abi))
#else
#define __efiapi
#endif
#endif

typedef unsigned long efi_status_t;
typedef u16 efi_char16_t;
typedef void *efi_handle_t;
typedef void *efi_event_t;
typedef u64 efi_physical_addr_t;

#define EFI_ERR(x) ((1UL << (8 * sizeof(long) - 1)) | (x))
#define EFI_SUCCESS 0
#define EFI_LOAD_ERROR EFI_ERR(1)
#define EFI_INVALID_PARAMETER EFI_ERR(2)
#define EFI_UNSUPPORTED EFI_ERR(3)
#define EFI_BAD_BUFFER_SIZE EFI_ERR(4)
#define EFI_BUFFER_TOO_SMALL EFI_ERR(5)
#define EFI_NOT_READY EFI_ERR(6)
#define EFI_DEVICE_ERROR EFI_ERR(7)
#define EFI_OUT_OF_RESOURCES EFI_ERR(9)
#define EFI_VOLUME_CORRUPTED EFI_ERR(10)
#define EFI_NOT_FOUND EFI_ERR(14)
#define EFI_ACCESS_DENIED EFI_ERR(15)
#define EFI_NO_MAPPING EFI_ERR(23)
#define EFI_SECURITY_VIOLATION EFI_ERR(26)

#define EFI_ERROR(s) ((long)(s) < 0)

/*
 * GUIDs are byte arrays in the spec's mixed-endian layout.  Byte aligned,
 * so they can sit in packed device path nodes; no table layout changes.
 */
typedef struct {
	u8 b[16];
} efi_guid_t;

#define EFI_GUID(a, b, c, d...)						\
	((efi_guid_t){ { (a) & 0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff, \
			 ((a) >> 24) & 0xff, (b) & 0xff, ((b) >> 8) & 0xff, \
			 (c) & 0xff, ((c) >> 8) & 0xff, d } })

/* Memory types (UEFI 2.10, 7.2) */
enum {
	EFI_RESERVED_TYPE,
	EFI_LOADER_CODE,
	EFI_LOADER_DATA,
	EFI_BOOT_SERVICES_CODE,
	EFI_BOOT_SERVICES_DATA,
	EFI_RUNTIME_SERVICES_CODE,
	EFI_RUNTIME_SERVICES_DATA,
	EFI_CONVENTIONAL_MEMORY,
	EFI_UNUSABLE_MEMORY,
	EFI_ACPI_RECLAIM_MEMORY,
	EFI_ACPI_MEMORY_NVS,
	EFI_MEMORY_MAPPED_IO,
	EFI_MEMORY_MAPPED_IO_PORT_SPACE,
	EFI_PAL_CODE,
	EFI_PERSISTENT_MEMORY,
	EFI_UNACCEPTED_MEMORY,
	EFI_MAX_MEMORY_TYPE,
};

#define EFI_MEMORY_WB 0x0000000000000008ULL
#define EFI_MEMORY_RP 0x0000000000002000ULL
#define EFI_MEMORY_XP 0x0000000000004000ULL
#define EFI_MEMORY_RO 0x0000000000020000ULL
#define EFI_MEMORY_SP 0x0000000000040000ULL
#define EFI_MEMORY_RUNTIME 0x8000000000000000ULL

enum {
	EFI_ALLOCATE_ANY_PAGES,
	EFI_ALLOCATE_MAX_ADDRESS,
	EFI_ALLOCATE_ADDRESS,
	EFI_MAX_ALLOCATE_TYPE,
};

#define EFI_PAGE_SHIFT 12
#define EFI_PAGE_SIZE BIT_ULL(EFI_PAGE_SHIFT)

#define EFI_MEMORY_DESCRIPTOR_VERSION 1

typedef struct {
	u32 type;
	u32 pad;
	u64 phys_addr;
	u64 virt_addr;
	u64 num_pages;
	u64 attribute;
} efi_memory_desc_t;

typedef struct {
	u64 signature;
	u32 revision;
	u32 headersize;
	u32 crc32;
	u32 reserved;
} efi_table_hdr_t;

#define EFI_2_100_SYSTEM_TABLE_REVISION ((2 << 16) | 100)

typedef struct {
	efi_guid_t guid;
	void *table;
} efi_config_table_t;

#define EFI_ALREADY_STARTED EFI_ERR(20)
#define EFI_ABORTED EFI_ERR(21)

/*
 * The variable arguments of an __efiapi function (the *_multiple_protocol_
 * interfaces() services): the Microsoft list on x86_64.  The emulator's
 * own variadic functions (emu_printf()) keep the native list.
 */
#ifdef __x86_64__
typedef __builtin_ms_va_list efi_va_list;
#define efi_va_start(ap, last) __builtin_ms_va_start(ap, last)
#define efi_va_end(ap) __builtin_ms_va_end(ap)
#define efi_va_copy(dst, src) __builtin_ms_va_copy(dst, src)
#else
typedef __builtin_va_list efi_va_list;
#define efi_va_start(ap, last) __builtin_va_start(ap, last)
#define efi_va_end(ap) __builtin_va_end(ap)
#define efi_va_copy(dst, src) __builtin_va_copy(dst, src)
#endif
#define efi_va_arg(ap, type) __builtin_va_arg(ap, type)

#define EFI_SYSTEM_TABLE_SIGNATURE 0x5453595320494249ULL /* "IBI SYST" */
#define EFI_BOOT_SERVICES_SIGNATURE 0x56524553544f4f42ULL /* "BOOTSERV" */

typedef struct efi_system_table efi_system_table_t;

/* Device path nodes (UEFI 2.10, 10.3) */
struct efi_device_path {
	u8 type;
	u8 subtype;
	u16 length;
} __packed;

#define EFI_DEV_MEDIA 4
#define EFI_DEV_MEDIA_VENDOR 3
#define EFI_DEV_END_PATH 0x7f
#define EFI_DEV_END_ENTIRE 0xff

struct efi_vendor_dev_path {
	struct efi_device_path header;
	efi_guid_t vendor;
} __packed;

/* Open attributes (UEFI 2.10, 7.3) */
#define EFI_OPEN_PROTOCOL_BY_HANDLE_PROTOCOL 0x01
#define EFI_OPEN_PROTOCOL_GET_PROTOCOL 0x02
#define EFI_OPEN_PROTOCOL_TEST_PROTOCOL 0x04
#define EFI_OPEN_PROTOCOL_BY_CHILD_CONTROLLER 0x08
#define EFI_OPEN_PROTOCOL_BY_DRIVER 0x10
#define EFI_OPEN_PROTOCOL_EXCLUSIVE 0x20

struct efi_open_protocol_information_entry {
	efi_handle_t agent_handle;
	efi_handle_t controller_handle;
	u32 attributes;
	u32 open_count;
};

enum {
	EFI_ALL_HANDLES,
	EFI_BY_REGISTER_NOTIFY,
	EFI_BY_PROTOCOL,
};

#define EFI_NATIVE_INTERFACE 0

/* Events (UEFI 2.10, 7.1) */
#define EFI_EVT_TIMER 0x80000000
#define EFI_EVT_RUNTIME 0x40000000
#define EFI_EVT_NOTIFY_WAIT 0x00000100
#define EFI_EVT_NOTIFY_SIGNAL 0x00000200
#define EFI_EVT_SIGNAL_EXIT_BOOT_SERVICES 0x00000201

#define EFI_TPL_APPLICATION 4
#define EFI_TPL_CALLBACK 8
#define EFI_TPL_NOTIFY 16
#define EFI_TPL_HIGH_LEVEL 31

typedef void (__efiapi *efi_event_notify_t)(efi_event_t event, void *ctx);

typedef struct {
	efi_table_hdr_t hdr;
	unsigned long (__efiapi *raise_tpl)(unsigned long new_tpl);
	void (__efiapi *restore_tpl)(unsigned long old_tpl);
	efi_status_t (__efiapi *allocate_pages)(int type, int mem_type,
						unsigned long pages, u64 *addr);
	efi_status_t (__efiapi *free_pages)(u64 addr, unsigned long pages);
	efi_status_t (__efiapi *get_memory_map)(unsigned long *size,
						efi_memory_desc_t *map,
						unsigned long *key,
						unsigned long *desc_size,
						u32 *desc_version);
	efi_status_t (__efiapi *allocate_pool)(int mem_type, unsigned long size,
					       void **buf);
	efi_status_t (__efiapi *free_pool)(void *buf);
	efi_status_t (__efiapi *create_event)(u32 type, unsigned long tpl,
					      efi_event_notify_t notify,
					      void *ctx, efi_event_t *event);
	efi_status_t (__efiapi *set_timer)(efi_event_t event, int type,
					   u64 trigger);
	efi_status_t (__efiapi *wait_for_event)(unsigned long n,
						efi_event_t *events,
						unsigned long *index);
	efi_status_t (__efiapi *signal_event)(efi_event_t event);
	efi_status_t (__efiapi *close_event)(efi_event_t event);
	efi_status_t (__efiapi *check_event)(efi_event_t event);
	efi_status_t (__efiapi *install_protocol_interface)(efi_handle_t *handle,
							    efi_guid_t *guid,
							    int type,
							    void *iface);
	efi_status_t (__efiapi *reinstall_protocol_interface)(efi_handle_t handle,
							      efi_guid_t *guid,
							      void *old_iface,
							      void *new_iface);
	efi_status_t (__efiapi *uninstall_protocol_interface)(efi_handle_t handle,
							      efi_guid_t *guid,
							      void *iface);
	efi_status_t (__efiapi *handle_protocol)(efi_handle_t handle,
						 efi_guid_t *guid,
						 void **iface);
	void *reserved;
	efi_status_t (__efiapi *register_protocol_notify)(efi_guid_t *guid,
							  efi_event_t event,
							  void **registration);
	efi_status_t (__efiapi *locate_handle)(int search, efi_guid_t *guid,
					       void *key, unsigned long *size,
					       efi_handle_t *buffer);
	efi_status_t (__efiapi *locate_device_path)(efi_guid_t *guid,
						    struct efi_device_path **path,
						    efi_handle_t *device);
	efi_status_t (__efiapi *install_configuration_table)(efi_guid_t *guid,
							     void *table);
	efi_status_t (__efiapi *load_image)(bool boot_policy,
					    efi_handle_t parent,
					    struct efi_device_path *path,
					    void *src, unsigned long size,
					    efi_handle_t *image);
	efi_status_t (__efiapi *start_image)(efi_handle_t image,
					     unsigned long *exit_data_size,
					     efi_char16_t **exit_data);
	efi_status_t (__efiapi *exit)(efi_handle_t image, efi_status_t status,
				      unsigned long exit_data_size,
				      efi_char16_t *exit_data);
	efi_status_t (__efiapi *unload_image)(efi_handle_t image);
	efi_status_t (__efiapi *exit_boot_services)(efi_handle_t image,
						    unsigned long key);
	efi_status_t (__efiapi *get_next_monotonic_count)(u64 *count);
	efi_status_t (__efiapi *stall)(unsigned long us);
	efi_status_t (__efiapi *set_watchdog_timer)(unsigned long timeout,
						    u64 code,
						    unsigned long data_size,
						    efi_char16_t *data);
	efi_status_t (__efiapi *connect_controller)(efi_handle_t controller,
						    efi_handle_t *driver,
						    struct efi_device_path *path,
						    bool recursive);
	efi_status_t (__efiapi *disconnect_controller)(efi_handle_t controller,
						       efi_handle_t driver,
						       efi_handle_t child);
	efi_status_t (__efiapi *open_protocol)(efi_handle_t handle,
					       efi_guid_t *guid, void **iface,
					       efi_handle_t agent,
					       efi_handle_t controller,
					       u32 attrs);
	efi_status_t (__efiapi *close_protocol)(efi_handle_t handle,
						efi_guid_t *guid,
						efi_handle_t agent,
						efi_handle_t controller);
	efi_status_t (__efiapi *open_protocol_information)(
		efi_handle_t handle, efi_guid_t *guid,
		struct efi_open_protocol_information_entry **e,
		unsigned long *count);
	efi_status_t (__efiapi *protocols_per_handle)(efi_handle_t handle,
						      efi_guid_t ***guids,
						      unsigned long *count);
	efi_status_t (__efiapi *locate_handle_buffer)(int search,
						      efi_guid_t *guid,
						      void *key,
						      unsigned long *count,
						      efi_handle_t **buffer);
	efi_status_t (__efiapi *locate_protocol)(efi_guid_t *guid,
						 void *registration,
						 void **iface);
	efi_status_t (__efiapi *install_multiple_protocol_interfaces)(efi_handle_t *h,
								      ...);
	efi_status_t (__efiapi *uninstall_multiple_protocol_interfaces)(efi_handle_t h,
									...);
	efi_status_t (__efiapi *calculate_crc32)(const void *data,
						 unsigned long size, u32 *crc);
	void (__efiapi *copy_mem)(void *dst, const void *src, unsigned long n);
	void (__efiapi *set_mem)(void *dst, unsigned long n, u8 value);
	efi_status_t (__efiapi *create_event_ex)(u32 type, unsigned long tpl,
						 efi_event_notify_t notify,
						 const void *ctx,
						 const efi_guid_t *group,
						 efi_event_t *event);
} efi_boot_services_t;

typedef struct efi_simple_text_output_protocol efi_simple_text_output_protocol_t;

typedef struct {
	s32 max_mode;
	s32 mode;
	s32 attribute;
	s32 cursor_column;
	s32 cursor_row;
	u8 cursor_visible;
} efi_simple_text_output_mode_t;

typedef struct {
	u16 scan_code;
	efi_char16_t unicode_char;
} efi_input_key_t;

struct efi_simple_text_input_protocol {
	efi_status_t (__efiapi *reset)(struct efi_simple_text_input_protocol *this,
				       bool extended);
	efi_status_t (__efiapi *read_keystroke)(struct efi_simple_text_input_protocol *this,
						efi_input_key_t *key);
	efi_event_t wait_for_key;
};

struct efi_simple_text_output_protocol {
	efi_status_t (__efiapi *reset)(efi_simple_text_output_protocol_t *this,
				       bool extended);
	efi_status_t (__efiapi *output_string)(efi_simple_text_output_protocol_t *this,
					       efi_char16_t *str);
	efi_status_t (__efiapi *test_string)(efi_simple_text_output_protocol_t *this,
					     efi_char16_t *str);
	efi_status_t (__efiapi *query_mode)(efi_simple_text_output_protocol_t *this,
					    unsigned long mode,
					    unsigned long *columns,
					    unsigned long *rows);
	efi_status_t (__efiapi *set_mode)(efi_simple_text_output_protocol_t *this,
					  unsigned long mode);
	efi_status_t (__efiapi *set_attribute)(efi_simple_text_output_protocol_t *this,
					       unsigned long attr);
	efi_status_t (__efiapi *clear_screen)(efi_simple_text_output_protocol_t *this);
	efi_status_t (__efiapi *set_cursor_position)(efi_simple_text_output_protocol_t *t,
						     unsigned long column,
						     unsigned long row);
	efi_status_t (__efiapi *enable_cursor)(efi_simple_text_output_protocol_t *this,
					       bool visible);
	efi_simple_text_output_mode_t *mode;
};

struct efi_system_table {
	efi_table_hdr_t hdr;
	efi_char16_t *fw_vendor;
	u32 fw_revision;
	efi_handle_t con_in_handle;
	struct efi_simple_text_input_protocol *con_in;
	efi_handle_t con_out_handle;
	efi_simple_text_output_protocol_t *con_out;
	efi_handle_t stderr_handle;
	efi_simple_text_output_protocol_t *stderr;
	void *runtime;
	efi_boot_services_t *boottime;
	unsigned long nr_tables;
	efi_config_table_t *tables;
};

#define EFI_RUNTIME_SERVICES_SIGNATURE	0x56524553544e5552ULL	/* "RUNTSERV" */
#define EFI_RT_SUPPORTED_SET_VIRTUAL_ADDRESS_MAP	0x0080

/* The runtime services table; its 14 services are opaque here. */
typedef struct {
	efi_table_hdr_t hdr;
	void *services[14];
} efi_runtime_services_t;

typedef struct {
	u16 version;
	u16 length;
	u32 runtime_services_supported;
} efi_rt_properties_table_t;

#define EFI_LOADED_IMAGE_PROTOCOL_REVISION 0x1000

typedef struct {
	u32 revision;
	efi_handle_t parent_handle;
	efi_system_table_t *system_table;
	efi_handle_t device_handle;
	struct efi_device_path *file_path;
	void *reserved;
	u32 load_options_size;
	void *load_options;
	void *image_base;
	u64 image_size;
	u32 image_code_type;
	u32 image_data_type;
	efi_status_t (__efiapi *unload)(efi_handle_t image);
} efi_loaded_image_t;

typedef struct efi_load_file2_protocol efi_load_file2_protocol_t;

struct efi_load_file2_protocol {
	efi_status_t (__efiapi *load_file)(efi_load_file2_protocol_t *this,
					   struct efi_device_path *path,
					   bool boot_policy,
					   unsigned long *size, void *buffer);
};

typedef struct efi_rng_protocol efi_rng_protocol_t;

struct efi_rng_protocol {
	efi_status_t (__efiapi *get_info)(efi_rng_protocol_t *this,
					  unsigned long *size,
					  efi_guid_t *algs);
	efi_status_t (__efiapi *get_rng)(efi_rng_protocol_t *this,
					 efi_guid_t *alg, unsigned long len,
					 u8 *out);
};

/* EFI_MEMORY_ATTRIBUTE_PROTOCOL (UEFI 2.10, 37.7) */
typedef struct efi_memory_attribute_protocol efi_memory_attribute_protocol_t;

struct efi_memory_attribute_protocol {
	efi_status_t (__efiapi *get_memory_attributes)(efi_memory_attribute_protocol_t *this,
						       efi_physical_addr_t base,
						       u64 len, u64 *attrs);
	efi_status_t (__efiapi *set_memory_attributes)(efi_memory_attribute_protocol_t *this,
						       efi_physical_addr_t base,
						       u64 len, u64 attrs);
	efi_status_t (__efiapi *clear_memory_attributes)(efi_memory_attribute_protocol_t *this,
							 efi_physical_addr_t base,
							 u64 len, u64 attrs);
};

/* EFI_SMBIOS_PROTOCOL (UEFI PI 1.8, volume 5, 6.2) */
typedef struct efi_smbios_protocol efi_smbios_protocol_t;

/* SMBIOS structures follow each other unaligned. */
struct efi_smbios_record {
	u8 type;
	u8 length;
	u16 handle;
} __packed;

struct efi_smbios_protocol {
	efi_status_t (__efiapi *add)(efi_smbios_protocol_t *this,
				     efi_handle_t producer, u16 *handle,
				     struct efi_smbios_record *record);
	efi_status_t (__efiapi *update_string)(efi_smbios_protocol_t *this,
					       u16 *handle,
					       unsigned long *string_number,
					       u8 *string);
	efi_status_t (__efiapi *remove)(efi_smbios_protocol_t *this,
					u16 handle);
	efi_status_t (__efiapi *get_next)(efi_smbios_protocol_t *this,
					  u16 *handle, u8 *type,
					  struct efi_smbios_record **record,
					  efi_handle_t *producer);
	u8 major_version;
	u8 minor_version;
};

#define EFI_SMBIOS_PROTOCOL_GUID                                           \
	EFI_GUID(0x03583ff6, 0xcb36, 0x4940, 0x94, 0x7e, 0xb9, 0xb3, 0x9f, \
		 0x4a, 0xfa, 0xf7)

/* EFI_DT_FIXUP_PROTOCOL (EBBR 2.1, 3.1.2; U-Boot efi_dt_fixup.h) */
typedef struct efi_dt_fixup_protocol efi_dt_fixup_protocol_t;

struct efi_dt_fixup_protocol {
	u64 revision;
	efi_status_t (__efiapi *fixup)(efi_dt_fixup_protocol_t *this, void *fdt,
				       unsigned long *buffer_size, u32 flags);
};

#define EFI_DT_FIXUP_PROTOCOL_GUID                                         \
	EFI_GUID(0xe617d64c, 0xfe08, 0x46da, 0xf4, 0xdc, 0xbb, 0xd5, 0x87, \
		 0x0c, 0x73, 0x00)
#define EFI_DT_FIXUP_PROTOCOL_REVISION	0x00010000
#define EFI_DT_APPLY_FIXUPS		0x00000001
#define EFI_DT_RESERVE_MEMORY		0x00000002
#define EFI_DT_INSTALL_TABLE		0x00000004
#define EFI_DT_ALL			0x00000007

#define EFI_RNG_ALGORITHM_RAW                                              \
	EFI_GUID(0xe43176d7, 0xb6e8, 0x4827, 0xb7, 0x84, 0x7f, 0xfd, 0xc4, \
		 0xb6, 0x85, 0x61)

#define LOADED_IMAGE_PROTOCOL_GUID                                         \
	EFI_GUID(0x5b1b31a1, 0x9562, 0x11d2, 0x8e, 0x3f, 0x00, 0xa0, 0xc9, \
		 0x69, 0x72, 0x3b)
#define EFI_LOADED_IMAGE_DEVICE_PATH_PROTOCOL_GUID                         \
	EFI_GUID(0xbc62157e, 0x3e33, 0x4fec, 0x99, 0x20, 0x2d, 0x3b, 0x36, \
		 0xd7, 0x50, 0xdf)
#define EFI_DEVICE_PATH_PROTOCOL_GUID                                      \
	EFI_GUID(0x09576e91, 0x6d3f, 0x11d2, 0x8e, 0x39, 0x00, 0xa0, 0xc9, \
		 0x69, 0x72, 0x3b)
#define EFI_LOAD_FILE_PROTOCOL_GUID                                        \
	EFI_GUID(0x56ec3091, 0x954c, 0x11d2, 0x8e, 0x3f, 0x00, 0xa0, 0xc9, \
		 0x69, 0x72, 0x3b)
#define EFI_LOAD_FILE2_PROTOCOL_GUID                                       \
	EFI_GUID(0x4006c0c1, 0xfcb3, 0x403e, 0x99, 0x6d, 0x4a, 0x6c, 0x87, \
		 0x24, 0xe0, 0x6d)
#define EFI_MEMORY_ATTRIBUTE_PROTOCOL_GUID                                 \
	EFI_GUID(0xf4560cf6, 0x40ec, 0x4b4a, 0xa1, 0x92, 0xbf, 0x1d, 0x57, \
		 0xd0, 0xb1, 0x89)
#define EFI_RNG_PROTOCOL_GUID                                              \
	EFI_GUID(0x3152bca5, 0xeade, 0x433d, 0x86, 0x2e, 0xc0, 0x1c, 0xdc, \
		 0x29, 0x1f, 0x44)
#define EFI_SIMPLE_TEXT_INPUT_PROTOCOL_GUID                                \
	EFI_GUID(0x387477c1, 0x69c7, 0x11d2, 0x8e, 0x39, 0x00, 0xa0, 0xc9, \
		 0x69, 0x72, 0x3b)
#define EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL_GUID                               \
	EFI_GUID(0x387477c2, 0x69c7, 0x11d2, 0x8e, 0x39, 0x00, 0xa0, 0xc9, \
		 0x69, 0x72, 0x3b)
#define DEVICE_TREE_GUID                                                   \
	EFI_GUID(0xb1b621d5, 0xf19c, 0x41a5, 0x83, 0x0b, 0xd9, 0x15, 0x2c, \
		 0x69, 0xaa, 0xe0)
#define ACPI_20_TABLE_GUID                                                 \
	EFI_GUID(0x8868e871, 0xe4f1, 0x11d3, 0xbc, 0x22, 0x00, 0x80, 0xc7, \
		 0x3c, 0x88, 0x81)
#define SMBIOS_TABLE_GUID                                                  \
	EFI_GUID(0xeb9d2d31, 0x2d88, 0x11d3, 0x9a, 0x16, 0x00, 0x90, 0x27, \
		 0x3f, 0xc1, 0x4d)
#define SMBIOS3_TABLE_GUID                                                 \
	EFI_GUID(0xf2fd1544, 0x9794, 0x4a2c, 0x99, 0x2e, 0xe5, 0xbb, 0xcf, \
		 0x20, 0xe3, 0x94)
#define EFI_RT_PROPERTIES_TABLE_GUID		EFI_GUID(0xeb66918a, 0x7eef, 0x402a,  0x84, 0x2e, 0x93, 0x1d, 0x21, 0xc3, 0x8a, 0xe9)
#define LINUX_EFI_MEMRESERVE_TABLE_GUID                                    \
	EFI_GUID(0x888eb0c6, 0x8ede, 0x4ff5, 0xa8, 0xf0, 0x9a, 0xee, 0x5c,  \
		 0xb9, 0x77, 0xc2)
#define LINUX_EFI_INITRD_MEDIA_GUID                                        \
	EFI_GUID(0x5568e427, 0x68fc, 0x4f3d, 0xac, 0x74, 0xca, 0x55, 0x52, \
		 0x31, 0xcc, 0x68)

#endif /* __EFI_EMULATOR_EFI_TYPES_H */
