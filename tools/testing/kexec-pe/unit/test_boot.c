// SPDX-License-Identifier: GPL-2.0
/*
 * Boot services, black-box through the tables a payload gets: system
 * table and CRCs, the protocol database, device paths and the LoadFile2
 * initrd, configuration tables, events, LoadImage()/StartImage()/Exit(),
 * ExitBootServices() and the console.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/pe.h>
#include <libfdt.h>
#include "emulator.h"
#include "pe_builder.h"
#include "kselftest_harness.h"

#define RAM_SIZE	(16UL << 20)

static char console[4096];
static size_t console_len;
static int ebs_hook_calls;

static void host_write(const char *s, size_t len)
{
	if (console_len + len < sizeof(console)) {
		memcpy(console + console_len, s, len);
		console_len += len;
		console[console_len] = 0;
	}
}

static void host_ebs(void)
{
	ebs_hook_calls++;
}

static const struct emu_platform_ops host_ops = {
	.write = host_write,
	.exit_boot_services = host_ebs,
};

FIXTURE(boot) {
	struct emu_region storage[128];
	struct emulator e;
	void *ram;
	efi_boot_services_t *bs;
	efi_system_table_t *st;
};

FIXTURE_SETUP(boot)
{
	self->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->ram);
	memset(&self->e, 0, sizeof(self->e));
	emu_mem_init(&self->e.mem, self->storage,
		     EMU_ARRAY_SIZE(self->storage));
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&self->e.mem, emu_addr(self->ram),
			      RAM_SIZE / EFI_PAGE_SIZE, EFI_CONVENTIONAL_MEMORY,
			      EFI_MEMORY_WB, 0));
	console_len = 0;
	console[0] = 0;
	ebs_hook_calls = 0;
	ASSERT_EQ(EFI_SUCCESS, emu_init(&self->e, &host_ops,
					&(struct emu_firmware){ }));
	self->st = self->e.systab;
	self->bs = self->st->boottime;
}

FIXTURE_TEARDOWN(boot)
{
	munmap(self->ram, RAM_SIZE);
}

static u32 header_crc(const void *table, u32 size)
{
	u8 copy[1024];
	efi_table_hdr_t hdr;

	memcpy(copy, table, size);
	memcpy(&hdr, copy, sizeof(hdr));
	hdr.crc32 = 0;
	memcpy(copy, &hdr, sizeof(hdr));
	return emu_crc32(0, copy, size);
}

TEST_F(boot, system_table_header_and_crcs)
{
	efi_system_table_t *st = self->st;
	int i;

	EXPECT_EQ(0x5453595320494249ULL, st->hdr.signature);
	EXPECT_EQ((2 << 16) | 100, st->hdr.revision);
	EXPECT_EQ(sizeof(*st), st->hdr.headersize);
	EXPECT_EQ(header_crc(st, sizeof(*st)), st->hdr.crc32);
	EXPECT_EQ(header_crc(self->bs, sizeof(*self->bs)),
		  self->bs->hdr.crc32);
	EXPECT_EQ('k', st->fw_vendor[0]);
	EXPECT_NE(NULL, st->con_out);
	/* The system table survives ExitBootServices(): runtime data. */
	for (i = 0; emu_addr(st) >= self->e.mem.map[i].start +
		    self->e.mem.map[i].pages * EFI_PAGE_SIZE; i++)
		;
	EXPECT_EQ(EFI_RUNTIME_SERVICES_DATA, self->e.mem.map[i].type);
}

TEST_F(boot, every_slot_populated)
{
	void **slot = (void **)((u8 *)self->bs + sizeof(efi_table_hdr_t));
	size_t n = (sizeof(*self->bs) - sizeof(efi_table_hdr_t)) /
		   sizeof(void *), i;

	for (i = 0; i < n; i++) {
		if (i == EMU_BS_reserved)
			continue;
		EXPECT_NE(NULL, slot[i]) TH_LOG("slot %zu (%s)", i,
						emu_bs_name(i));
	}
	EXPECT_EQ(EMU_BS_COUNT, n);
}

TEST_F(boot, unsupported_logged_once)
{
	efi_boot_services_t *bs = self->bs;
	void *reg;

	EXPECT_EQ(EFI_UNSUPPORTED, bs->register_protocol_notify(NULL, NULL,
								&reg));
	EXPECT_EQ(EFI_UNSUPPORTED, bs->register_protocol_notify(NULL, NULL,
								&reg));
	EXPECT_NE(NULL, strstr(console, "RegisterProtocolNotify() is not supported"));
	EXPECT_EQ(NULL, strstr(strstr(console, "RegisterProtocolNotify") + 1,
			       "RegisterProtocolNotify"));
	EXPECT_EQ(2, self->e.calls[EMU_BS_register_protocol_notify]);
}

static efi_guid_t guid_a = EFI_GUID(0x11111111, 0x2222, 0x3333, 0x44, 0x44,
				    0x55, 0x55, 0x55, 0x55, 0x55, 0x55);
static efi_guid_t guid_b = EFI_GUID(0xaaaaaaaa, 0xbbbb, 0xcccc, 0xdd, 0xdd,
				    0xee, 0xee, 0xee, 0xee, 0xee, 0xee);

TEST_F(boot, protocol_install_locate_uninstall)
{
	efi_boot_services_t *bs = self->bs;
	efi_handle_t h = NULL, buf[8], *hb;
	unsigned long size, count;
	int a, b;
	void *p;

	ASSERT_EQ(EFI_SUCCESS,
		  bs->install_protocol_interface(&h, &guid_a,
						 EFI_NATIVE_INTERFACE, &a));
	ASSERT_NE(NULL, h);
	/* Twice on one handle is refused. */
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  bs->install_protocol_interface(&h, &guid_a,
						 EFI_NATIVE_INTERFACE, &a));
	ASSERT_EQ(EFI_SUCCESS,
		  bs->install_protocol_interface(&h, &guid_b,
						 EFI_NATIVE_INTERFACE, &b));

	ASSERT_EQ(EFI_SUCCESS, bs->handle_protocol(h, &guid_b, &p));
	EXPECT_EQ(&b, p);
	ASSERT_EQ(EFI_SUCCESS, bs->locate_protocol(&guid_a, NULL, &p));
	EXPECT_EQ(&a, p);
	EXPECT_EQ(EFI_SUCCESS,
		  bs->open_protocol(h, &guid_a, NULL, NULL, NULL,
				    EFI_OPEN_PROTOCOL_TEST_PROTOCOL));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  bs->open_protocol(h, &guid_a, NULL, NULL, NULL,
				    EFI_OPEN_PROTOCOL_GET_PROTOCOL));

	size = 0;
	EXPECT_EQ(EFI_BUFFER_TOO_SMALL,
		  bs->locate_handle(EFI_BY_PROTOCOL, &guid_a, NULL, &size,
				    NULL));
	EXPECT_EQ(sizeof(efi_handle_t), size);
	EXPECT_EQ(EFI_SUCCESS, bs->locate_handle(EFI_BY_PROTOCOL, &guid_a,
						 NULL, &size, buf));
	EXPECT_EQ(h, buf[0]);
	ASSERT_EQ(EFI_SUCCESS,
		  bs->locate_handle_buffer(EFI_BY_PROTOCOL, &guid_b, NULL,
					   &count, &hb));
	EXPECT_EQ(1, count);
	EXPECT_EQ(h, hb[0]);
	EXPECT_EQ(EFI_SUCCESS, bs->free_pool(hb));

	/* Wrong interface, then the right one; the handle goes with the last. */
	EXPECT_EQ(EFI_NOT_FOUND, bs->uninstall_protocol_interface(h, &guid_a,
								  &b));
	EXPECT_EQ(EFI_SUCCESS, bs->uninstall_protocol_interface(h, &guid_a,
								&a));
	EXPECT_EQ(EFI_UNSUPPORTED, bs->handle_protocol(h, &guid_a, &p));
	EXPECT_EQ(EFI_NOT_FOUND, bs->locate_protocol(&guid_a, NULL, &p));
	EXPECT_EQ(EFI_SUCCESS, bs->uninstall_protocol_interface(h, &guid_b,
								&b));
	EXPECT_EQ(EFI_INVALID_PARAMETER, bs->handle_protocol(h, &guid_b, &p));
}

TEST_F(boot, bad_handles_refused)
{
	efi_boot_services_t *bs = self->bs;
	efi_handle_t bogus = (efi_handle_t)&guid_a;
	void *p;

	EXPECT_EQ(EFI_INVALID_PARAMETER, bs->handle_protocol(NULL, &guid_a,
							     &p));
	EXPECT_EQ(EFI_INVALID_PARAMETER, bs->handle_protocol(bogus, &guid_a,
							     &p));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  bs->install_protocol_interface(&bogus, &guid_b,
						 EFI_NATIVE_INTERFACE, NULL));
	EXPECT_EQ(EFI_INVALID_PARAMETER, bs->start_image(bogus, NULL, NULL));
	EXPECT_EQ(EFI_INVALID_PARAMETER, bs->unload_image(NULL));
}

/*
 * OpenProtocol() bookkeeping as EDK2 keeps it: one BY_DRIVER user, the
 * same agent again is EFI_ALREADY_STARTED, nothing EXCLUSIVE beside it,
 * and a protocol a driver holds cannot be uninstalled or reinstalled
 * (there is no DisconnectController() here to take it away).
 */
TEST_F(boot, open_protocol_records)
{
	u32 drv = EFI_OPEN_PROTOCOL_BY_DRIVER, excl = EFI_OPEN_PROTOCOL_EXCLUSIVE;
	u32 get = EFI_OPEN_PROTOCOL_GET_PROTOCOL;
	efi_handle_t h = NULL, agent1 = NULL, agent2 = NULL, ctrl = NULL;
	struct efi_open_protocol_information_entry *info;
	efi_boot_services_t *bs = self->bs;
	unsigned long count;
	int a, b, x;
	void *p;

	ASSERT_EQ(EFI_SUCCESS,
		  bs->install_protocol_interface(&h, &guid_a,
						 EFI_NATIVE_INTERFACE, &a));
	ASSERT_EQ(EFI_SUCCESS,
		  bs->install_protocol_interface(&agent1, &guid_b,
						 EFI_NATIVE_INTERFACE, &x));
	ASSERT_EQ(EFI_SUCCESS,
		  bs->install_protocol_interface(&agent2, &guid_b,
						 EFI_NATIVE_INTERFACE, &x));
	ASSERT_EQ(EFI_SUCCESS,
		  bs->install_protocol_interface(&ctrl, &guid_b,
						 EFI_NATIVE_INTERFACE, &x));

	/* Arguments as EDK2 checks them. */
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  bs->open_protocol(h, &guid_a, &p, agent1, NULL, drv));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  bs->open_protocol(h, &guid_a, &p, NULL, ctrl, drv));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  bs->open_protocol(h, &guid_a, &p, NULL, NULL, excl));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  bs->open_protocol(h, &guid_a, &p, agent1, h,
				    EFI_OPEN_PROTOCOL_BY_CHILD_CONTROLLER));
	EXPECT_EQ(EFI_UNSUPPORTED,
		  bs->open_protocol(agent1, &guid_a, &p, agent1, ctrl, drv));
	EXPECT_EQ(NULL, p);

	/* GET_PROTOCOL twice: one record, counted twice. */
	EXPECT_EQ(EFI_SUCCESS, bs->open_protocol(h, &guid_a, &p, agent1,
						 NULL, get));
	EXPECT_EQ(EFI_SUCCESS, bs->open_protocol(h, &guid_a, &p, agent1,
						 NULL, get));
	/* One driver: itself again is ALREADY_STARTED, with the interface. */
	p = NULL;
	EXPECT_EQ(EFI_SUCCESS, bs->open_protocol(h, &guid_a, &p, agent1,
						 ctrl, drv));
	EXPECT_EQ(&a, p);
	p = NULL;
	EXPECT_EQ(EFI_ALREADY_STARTED,
		  bs->open_protocol(h, &guid_a, &p, agent1, ctrl, drv));
	EXPECT_EQ(&a, p);
	EXPECT_EQ(EFI_ACCESS_DENIED,
		  bs->open_protocol(h, &guid_a, &p, agent2, ctrl, drv));
	EXPECT_EQ(NULL, p);
	EXPECT_EQ(EFI_ACCESS_DENIED,
		  bs->open_protocol(h, &guid_a, &p, agent2, NULL, excl));
	EXPECT_EQ(EFI_ACCESS_DENIED,
		  bs->uninstall_protocol_interface(h, &guid_a, &a));
	EXPECT_EQ(EFI_ACCESS_DENIED,
		  bs->reinstall_protocol_interface(h, &guid_a, &a, &b));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  bs->uninstall_multiple_protocol_interfaces(h, &guid_a, &a,
							     NULL));

	ASSERT_EQ(EFI_SUCCESS, bs->open_protocol_information(h, &guid_a,
							     &info, &count));
	ASSERT_EQ(2, count);
	EXPECT_EQ(agent1, info[0].agent_handle);
	EXPECT_EQ(NULL, info[0].controller_handle);
	EXPECT_EQ(get, info[0].attributes);
	EXPECT_EQ(2, info[0].open_count);
	EXPECT_EQ(ctrl, info[1].controller_handle);
	EXPECT_EQ(drv, info[1].attributes);
	EXPECT_EQ(1, info[1].open_count);
	EXPECT_EQ(EFI_SUCCESS, bs->free_pool(info));

	/* The driver lets go: now one agent may have it exclusively. */
	EXPECT_EQ(EFI_SUCCESS, bs->close_protocol(h, &guid_a, agent1, ctrl));
	EXPECT_EQ(EFI_NOT_FOUND, bs->close_protocol(h, &guid_a, agent1, ctrl));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  bs->close_protocol(h, &guid_a, (efi_handle_t)&guid_a, NULL));
	EXPECT_EQ(EFI_SUCCESS, bs->open_protocol(h, &guid_a, &p, agent2,
						 NULL, excl));
	EXPECT_EQ(EFI_ACCESS_DENIED,
		  bs->open_protocol(h, &guid_a, &p, agent1, ctrl,
				    EFI_OPEN_PROTOCOL_BY_CHILD_CONTROLLER));
	EXPECT_EQ(EFI_ACCESS_DENIED,
		  bs->open_protocol(h, &guid_a, &p, agent1, ctrl, drv));
	/* Non-exclusive opens still work beside it. */
	EXPECT_EQ(EFI_SUCCESS, bs->handle_protocol(h, &guid_a, &p));
	EXPECT_EQ(EFI_SUCCESS, bs->close_protocol(h, &guid_a, agent2, NULL));
	EXPECT_EQ(EFI_SUCCESS, bs->uninstall_protocol_interface(h, &guid_a,
								&a));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  bs->open_protocol_information(h, &guid_a, &info, &count));
}

TEST_F(boot, install_multiple_is_all_or_nothing)
{
	efi_boot_services_t *bs = self->bs;
	efi_handle_t h = NULL, h2;
	unsigned long size = 0;
	int a, b;

	/* The second pair fails (same GUID twice): nothing stays. */
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  bs->install_multiple_protocol_interfaces(&h, &guid_a, &a,
							   &guid_a, &b, NULL));
	EXPECT_EQ(NULL, h);
	EXPECT_EQ(EFI_NOT_FOUND, bs->locate_handle(EFI_BY_PROTOCOL, &guid_a,
						   NULL, &size, NULL));
	ASSERT_EQ(EFI_SUCCESS,
		  bs->install_multiple_protocol_interfaces(&h, &guid_a, &a,
							   &guid_b, &b, NULL));
	/* Uninstall with one wrong interface removes nothing. */
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  bs->uninstall_multiple_protocol_interfaces(h, &guid_a, &a,
							     &guid_b, &a, NULL));
	h2 = h;
	EXPECT_EQ(EFI_SUCCESS,
		  bs->uninstall_multiple_protocol_interfaces(h2, &guid_a, &a,
							     &guid_b, &b, NULL));
}

static const efi_guid_t initrd_guid = LINUX_EFI_INITRD_MEDIA_GUID;

struct initrd_dp {
	struct efi_vendor_dev_path vendor;
	struct efi_device_path end;
} __packed;

static struct initrd_dp make_initrd_dp(void)
{
	struct initrd_dp dp = {
		{ { EFI_DEV_MEDIA, EFI_DEV_MEDIA_VENDOR,
		    sizeof(struct efi_vendor_dev_path) }, initrd_guid },
		{ EFI_DEV_END_PATH, EFI_DEV_END_ENTIRE, 4 },
	};
	return dp;
}

TEST_F(boot, initrd_over_load_file2)
{
	efi_boot_services_t *bs = self->bs;
	efi_guid_t lf2 = EFI_LOAD_FILE2_PROTOCOL_GUID;
	struct initrd_dp dp = make_initrd_dp();
	struct efi_device_path *rem = &dp.vendor.header;
	efi_load_file2_protocol_t *proto;
	static const char data[] = "initrd contents";
	unsigned long size = 0;
	efi_handle_t dev;
	char buf[64];

	/* Nothing registered yet. */
	EXPECT_EQ(EFI_NOT_FOUND, bs->locate_device_path(&lf2, &rem, &dev));
	ASSERT_EQ(EFI_SUCCESS, emu_install_initrd(emu_addr(data),
						  sizeof(data)));
	ASSERT_EQ(EFI_SUCCESS, bs->locate_device_path(&lf2, &rem, &dev));
	EXPECT_EQ(EFI_DEV_END_PATH, rem->type);
	ASSERT_EQ(EFI_SUCCESS, bs->handle_protocol(dev, &lf2, (void **)&proto));

	EXPECT_EQ(EFI_BUFFER_TOO_SMALL,
		  proto->load_file(proto, rem, false, &size, NULL));
	EXPECT_EQ(sizeof(data), size);
	EXPECT_EQ(EFI_UNSUPPORTED,
		  proto->load_file(proto, rem, true, &size, buf));
	ASSERT_EQ(EFI_SUCCESS, proto->load_file(proto, rem, false, &size, buf));
	EXPECT_STREQ(data, buf);
}

/* A second provider of the initrd path is refused, as systemd-stub expects. */
TEST_F(boot, second_initrd_provider_refused)
{
	static const char data[] = "x";
	struct initrd_dp dp2 = make_initrd_dp();
	efi_guid_t lf2 = EFI_LOAD_FILE2_PROTOCOL_GUID;
	efi_guid_t dpg = EFI_DEVICE_PATH_PROTOCOL_GUID;
	efi_handle_t h = NULL;
	int x;

	ASSERT_EQ(EFI_SUCCESS, emu_install_initrd(emu_addr(data),
						  sizeof(data)));
	EXPECT_EQ(EFI_ALREADY_STARTED,
		  self->bs->install_multiple_protocol_interfaces(&h, &dpg,
						&dp2, &lf2, &x, NULL));
	EXPECT_EQ(NULL, h);
}

TEST_F(boot, locate_device_path_refuses_malformed_paths)
{
	efi_guid_t lf2 = EFI_LOAD_FILE2_PROTOCOL_GUID;
	struct efi_device_path bad = { EFI_DEV_MEDIA, EFI_DEV_MEDIA_VENDOR, 2 };
	struct efi_device_path *p = &bad;
	efi_handle_t dev;

	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  self->bs->locate_device_path(&lf2, &p, &dev));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  self->bs->locate_device_path(&lf2, NULL, &dev));
}

TEST_F(boot, configuration_tables)
{
	efi_boot_services_t *bs = self->bs;
	efi_system_table_t *st = self->st;
	unsigned long n0 = st->nr_tables;
	int t1, t2;

	EXPECT_EQ(EFI_NOT_FOUND,
		  bs->install_configuration_table(&guid_a, NULL));
	ASSERT_EQ(EFI_SUCCESS, bs->install_configuration_table(&guid_a, &t1));
	ASSERT_EQ(EFI_SUCCESS, bs->install_configuration_table(&guid_b, &t2));
	EXPECT_EQ(n0 + 2, st->nr_tables);
	ASSERT_EQ(EFI_SUCCESS, bs->install_configuration_table(&guid_a, &t2));
	EXPECT_EQ(n0 + 2, st->nr_tables);
	EXPECT_EQ(&t2, st->tables[n0].table);
	ASSERT_EQ(EFI_SUCCESS, bs->install_configuration_table(&guid_a, NULL));
	EXPECT_EQ(n0 + 1, st->nr_tables);
	EXPECT_EQ(0, memcmp(&guid_b, &st->tables[n0].guid, 16));
	EXPECT_EQ(header_crc(st, sizeof(*st)), st->hdr.crc32);
}

/* An empty memreserve table over the first boot's keeps the old list. */
TEST_F(boot, memreserve_chain_kept)
{
	static efi_guid_t mr_guid = LINUX_EFI_MEMRESERVE_TABLE_GUID;
	efi_boot_services_t *bs = self->bs;
	struct {
		s32 size, count;
		u64 next;
	} first = { 0, 0, 0x1234000 }, stub = { 0 }, linked = { 0, 0, 0x5000 };
	int other = 0;

	ASSERT_EQ(EFI_SUCCESS, bs->install_configuration_table(&mr_guid,
							       &first));
	/* The stub's empty root: the old list goes behind it. */
	ASSERT_EQ(EFI_SUCCESS, bs->install_configuration_table(&mr_guid, &stub));
	EXPECT_EQ(emu_addr(&first), stub.next);
	EXPECT_EQ(0x1234000, first.next);
	/* A table that already links somewhere is left alone. */
	ASSERT_EQ(EFI_SUCCESS, bs->install_configuration_table(&mr_guid,
							       &linked));
	EXPECT_EQ(0x5000, linked.next);
	/* Other tables are never written. */
	ASSERT_EQ(EFI_SUCCESS, bs->install_configuration_table(&guid_a, &other));
	ASSERT_EQ(EFI_SUCCESS, bs->install_configuration_table(&guid_a, &other));
	EXPECT_EQ(0, other);
}

struct test_rsv {
	s32 size;
	s32 count;
	u64 next;
	struct {
		u64 base;
		u64 size;
	} entry[2];
};

/* Can the page at @addr be allocated (it then is)? */
static bool page_free(struct emulator *e, u64 addr)
{
	return emu_allocate_pages(&e->mem, EFI_ALLOCATE_ADDRESS,
				  EFI_LOADER_DATA, 1, &addr) == EFI_SUCCESS;
}

/* The memreserve list is read again when the emulator starts. */
TEST_F(boot, memreserve_list_kept)
{
	u64 ram = emu_addr(self->ram);
	struct test_rsv *n1 = emu_ptr(ram + 0x1000);
	struct test_rsv *n2 = emu_ptr(ram + 0x3010);

	*n1 = (struct test_rsv){ .size = 2, .count = 2, .next = emu_addr(n2),
		.entry = { { ram + 0x100000, 0x2000 },
			   { ram + 0x200000, 0x1000 } } };
	/* count beyond size is clamped to size; a zero-sized entry skipped */
	*n2 = (struct test_rsv){ .size = 1, .count = 5,
		.entry = { { ram + 0x300800, 0x800 }, { ram + 0x400000, 0 } } };
	ASSERT_EQ(EFI_SUCCESS, emu_keep_memreserve(emu_addr(n1)));
	/* the ranges, then the nodes themselves */
	EXPECT_FALSE(page_free(&self->e, ram + 0x101000));
	EXPECT_FALSE(page_free(&self->e, ram + 0x200000));
	EXPECT_FALSE(page_free(&self->e, ram + 0x300000));
	EXPECT_FALSE(page_free(&self->e, ram + 0x1000));
	EXPECT_FALSE(page_free(&self->e, ram + 0x3000));
	/* what no entry names stays free */
	EXPECT_TRUE(page_free(&self->e, ram + 0x400000));
	EXPECT_TRUE(page_free(&self->e, ram + 0x102000));
	/* Walking it again changes nothing. */
	EXPECT_EQ(EFI_SUCCESS, emu_keep_memreserve(emu_addr(n1)));
}

TEST_F(boot, memreserve_list_damaged)
{
	u64 ram = emu_addr(self->ram);
	struct test_rsv *n1 = emu_ptr(ram + 0x1000);

	/* A cycle ends at the node limit. */
	*n1 = (struct test_rsv){ .size = 0, .next = emu_addr(n1) };
	EXPECT_EQ(EFI_VOLUME_CORRUPTED, emu_keep_memreserve(emu_addr(n1)));
	/* A node outside RAM is never read. */
	n1->next = 0x1000;
	EXPECT_EQ(EFI_VOLUME_CORRUPTED, emu_keep_memreserve(emu_addr(n1)));
	n1->next = emu_addr(n1) + 4;
	EXPECT_EQ(EFI_VOLUME_CORRUPTED, emu_keep_memreserve(emu_addr(n1)));
}

/* EFI_SMBIOS_PROTOCOL.GetNext() over an SMBIOS 3 table in RAM. */
TEST_F(boot, smbios_protocol)
{
	static const u8 table[] = {
		/* type 1, length 4, handle 0x0100, strings "A" */
		1, 4, 0x00, 0x01, 'A', 0, 0,
		/* type 4, length 8, handle 0x0400, processor id, "Altra" */
		4, 8, 0x00, 0x04, 0x01, 0x00, 0x16, 0x0a,
		'A', 'l', 't', 'r', 'a', 0, 0,
		/* type 4 again, no strings */
		4, 4, 0x01, 0x04, 0, 0,
		/* end of table */
		127, 4, 0xff, 0xfe, 0, 0,
	};
	efi_guid_t sm3 = SMBIOS3_TABLE_GUID, proto = EFI_SMBIOS_PROTOCOL_GUID;
	u8 *ep = (u8 *)self->ram + 0x2000, *t = (u8 *)self->ram + 0x3000;
	struct efi_smbios_record *rec;
	efi_smbios_protocol_t *sm;
	u64 addr = emu_addr(t);
	u32 max = sizeof(table);
	u16 handle = 0xfffe;
	u8 type = 4;

	memcpy(t, table, sizeof(table));
	memset(ep, 0, 0x18);
	memcpy(ep, "_SM3_", 5);
	ep[7] = 3;
	ep[8] = 6;
	memcpy(ep + 0x0c, &max, sizeof(max));
	memcpy(ep + 0x10, &addr, sizeof(addr));
	/* No table: nothing offered. */
	ASSERT_EQ(EFI_SUCCESS, emu_install_smbios());
	EXPECT_EQ(EFI_NOT_FOUND, self->bs->locate_protocol(&proto, NULL,
							   (void **)&sm));
	ASSERT_EQ(EFI_SUCCESS, self->bs->install_configuration_table(&sm3, ep));
	ASSERT_EQ(EFI_SUCCESS, emu_install_smbios());
	ASSERT_EQ(EFI_SUCCESS, self->bs->locate_protocol(&proto, NULL,
							 (void **)&sm));
	EXPECT_EQ(3, sm->major_version);
	EXPECT_EQ(6, sm->minor_version);
	/* As the Linux stub asks: the first type 4 record. */
	ASSERT_EQ(EFI_SUCCESS, sm->get_next(sm, &handle, &type, &rec, NULL));
	EXPECT_EQ(0x0400, handle);
	EXPECT_EQ(t + 7, (u8 *)rec);
	EXPECT_EQ(0, memcmp((u8 *)rec + rec->length, "Altra", 6));
	ASSERT_EQ(EFI_SUCCESS, sm->get_next(sm, &handle, &type, &rec, NULL));
	EXPECT_EQ(0x0401, handle);
	EXPECT_EQ(EFI_NOT_FOUND, sm->get_next(sm, &handle, &type, &rec, NULL));
	EXPECT_EQ(0xfffe, handle);
	/* Any type, from the start. */
	ASSERT_EQ(EFI_SUCCESS, sm->get_next(sm, &handle, NULL, &rec, NULL));
	EXPECT_EQ(0x0100, handle);
	/* Read-only. */
	EXPECT_EQ(EFI_ACCESS_DENIED, sm->remove(sm, 0x0100));
	EXPECT_EQ(EFI_INVALID_PARAMETER, sm->get_next(sm, NULL, NULL, &rec,
						      NULL));
	/* A string set that runs off the table ends the walk. */
	t[26] = 'x';
	t[27] = 'y';
	t[32] = 'z';
	t[33] = 'w';
	handle = 0xfffe;
	ASSERT_EQ(EFI_SUCCESS, sm->get_next(sm, &handle, &type, &rec, NULL));
	EXPECT_EQ(EFI_NOT_FOUND, sm->get_next(sm, &handle, &type, &rec, NULL));
}

static const void *chosen_prop(const void *fdt, const char *name, int *len)
{
	int node = fdt_path_offset(fdt, "/chosen");

	return node < 0 ? NULL : fdt_getprop(fdt, node, name, len);
}

/*
 * EFI_DT_FIXUP_PROTOCOL: offered once the host's DT is a configuration
 * table; APPLY_FIXUPS asks for room first, then carries the host's /chosen
 * kdump, IMA and seed properties into the payload's DT and removes stale
 * ones; RESERVE_MEMORY takes the DT's reserved ranges out of free memory;
 * INSTALL_TABLE installs it.
 */
TEST_F(boot, dt_fixup_protocol)
{
	static const u8 core[16] = { 0, 0, 0, 0, 0x50, 0, 0, 0,
				     0, 0, 0, 0, 0, 0, 0x10, 0 };
	efi_guid_t dtb = DEVICE_TREE_GUID, proto = EFI_DT_FIXUP_PROTOCOL_GUID;
	u8 *ram = self->ram, *host = ram + 0x10000;
	efi_physical_addr_t addr = 0;
	efi_dt_fixup_protocol_t *dt;
	unsigned long size;
	const void *val;
	void *pdt;
	int len, node, child;

	ASSERT_EQ(0, fdt_create_empty_tree(host, 4096));
	node = fdt_add_subnode(host, 0, "chosen");
	ASSERT_LE(0, node);
	ASSERT_EQ(0, fdt_setprop(host, node, "linux,elfcorehdr", core,
				 sizeof(core)));
	ASSERT_EQ(0, fdt_setprop_u64(host, node, "kaslr-seed", 0x1234));
	ASSERT_EQ(0, fdt_setprop(host, node, "linux,booted-from-kexec", NULL,
				 0));
	ASSERT_EQ(0, fdt_setprop_string(host, node, "bootargs", "host"));

	/* No DT handed over: nothing offered. */
	ASSERT_EQ(EFI_SUCCESS, emu_install_dt_fixup());
	EXPECT_EQ(EFI_NOT_FOUND, self->bs->locate_protocol(&proto, NULL,
							   (void **)&dt));
	ASSERT_EQ(EFI_SUCCESS, self->bs->install_configuration_table(&dtb,
								     host));
	ASSERT_EQ(EFI_SUCCESS, emu_install_dt_fixup());
	ASSERT_EQ(EFI_SUCCESS, self->bs->locate_protocol(&proto, NULL,
							 (void **)&dt));
	EXPECT_EQ(EFI_DT_FIXUP_PROTOCOL_REVISION, dt->revision);

	/* A UKI's DT: a stale kdump property, its own bootargs and model. */
	ASSERT_EQ(EFI_SUCCESS, self->bs->allocate_pages(EFI_ALLOCATE_ANY_PAGES,
							EFI_LOADER_DATA, 1,
							&addr));
	pdt = emu_ptr(addr);
	ASSERT_EQ(0, fdt_create_empty_tree(pdt, 512));
	ASSERT_EQ(0, fdt_setprop_string(pdt, 0, "model", "uki"));
	node = fdt_add_subnode(pdt, 0, "chosen");
	ASSERT_LE(0, node);
	ASSERT_EQ(0, fdt_setprop_u64(pdt, node, "linux,usable-memory-range",
				     7));
	ASSERT_EQ(0, fdt_setprop_string(pdt, node, "bootargs", "uki"));
	ASSERT_EQ(0, fdt_pack(pdt));

	size = 4096;
	EXPECT_EQ(EFI_INVALID_PARAMETER, dt->fixup(NULL, pdt, &size,
						   EFI_DT_APPLY_FIXUPS));
	EXPECT_EQ(EFI_INVALID_PARAMETER, dt->fixup(dt, NULL, &size,
						   EFI_DT_APPLY_FIXUPS));
	EXPECT_EQ(EFI_INVALID_PARAMETER, dt->fixup(dt, pdt, NULL,
						   EFI_DT_APPLY_FIXUPS));
	EXPECT_EQ(EFI_INVALID_PARAMETER, dt->fixup(dt, pdt, &size, 0));
	EXPECT_EQ(EFI_INVALID_PARAMETER, dt->fixup(dt, pdt, &size, 8));
	((u8 *)pdt)[0] ^= 0xff;
	EXPECT_EQ(EFI_INVALID_PARAMETER, dt->fixup(dt, pdt, &size,
						   EFI_DT_APPLY_FIXUPS));
	((u8 *)pdt)[0] ^= 0xff;

	/* Too small: the size it needs comes back, the DT is untouched. */
	size = fdt_totalsize(pdt);
	EXPECT_EQ(EFI_BUFFER_TOO_SMALL, dt->fixup(dt, pdt, &size,
						  EFI_DT_APPLY_FIXUPS));
	EXPECT_LT(fdt_totalsize(pdt), size);
	EXPECT_GE(4096, size);
	EXPECT_EQ(NULL, chosen_prop(pdt, "kaslr-seed", NULL));
	ASSERT_EQ(EFI_SUCCESS, dt->fixup(dt, pdt, &size, EFI_DT_APPLY_FIXUPS));
	EXPECT_EQ(size, fdt_totalsize(pdt));
	val = chosen_prop(pdt, "linux,elfcorehdr", &len);
	ASSERT_NE(NULL, val);
	ASSERT_EQ(sizeof(core), len);
	EXPECT_EQ(0, memcmp(core, val, len));
	val = chosen_prop(pdt, "kaslr-seed", &len);
	ASSERT_NE(NULL, val);
	EXPECT_EQ(8, len);
	EXPECT_NE(NULL, chosen_prop(pdt, "linux,booted-from-kexec", &len));
	EXPECT_EQ(NULL, chosen_prop(pdt, "linux,usable-memory-range", NULL));
	EXPECT_EQ(NULL, chosen_prop(pdt, "rng-seed", NULL));
	EXPECT_STREQ("uki", chosen_prop(pdt, "bootargs", NULL));
	EXPECT_STREQ("uki", fdt_getprop(pdt, 0, "model", NULL));

	/* A DT without /chosen gets one. */
	ASSERT_EQ(0, fdt_create_empty_tree(pdt, 4096));
	size = 4096;
	ASSERT_EQ(EFI_SUCCESS, dt->fixup(dt, pdt, &size, EFI_DT_APPLY_FIXUPS));
	EXPECT_NE(NULL, chosen_prop(pdt, "linux,elfcorehdr", NULL));

	/* Reserved ranges: /memreserve/, no-map, reusable, disabled. */
	ASSERT_EQ(0, fdt_create_empty_tree(pdt, 4096));
	ASSERT_EQ(0, fdt_add_mem_rsv(pdt, emu_addr(ram + 0x100000), 0x2000));
	node = fdt_add_subnode(pdt, 0, "reserved-memory");
	ASSERT_LE(0, node);
	ASSERT_EQ(0, fdt_setprop_u32(pdt, node, "#address-cells", 2));
	ASSERT_EQ(0, fdt_setprop_u32(pdt, node, "#size-cells", 2));
	child = fdt_add_subnode(pdt, node, "nomap");
	ASSERT_EQ(0, fdt_setprop_u64(pdt, child, "reg",
				     emu_addr(ram + 0x200000)));
	ASSERT_EQ(0, fdt_appendprop_u64(pdt, child, "reg", 0x3000));
	ASSERT_EQ(0, fdt_setprop(pdt, child, "no-map", NULL, 0));
	child = fdt_add_subnode(pdt, node, "reusable");
	ASSERT_EQ(0, fdt_setprop_u64(pdt, child, "reg",
				     emu_addr(ram + 0x300000)));
	ASSERT_EQ(0, fdt_appendprop_u64(pdt, child, "reg", 0x1000));
	child = fdt_add_subnode(pdt, node, "off");
	ASSERT_EQ(0, fdt_setprop_u64(pdt, child, "reg",
				     emu_addr(ram + 0x400000)));
	ASSERT_EQ(0, fdt_appendprop_u64(pdt, child, "reg", 0x1000));
	ASSERT_EQ(0, fdt_setprop_string(pdt, child, "status", "disabled"));
	ASSERT_EQ(EFI_CONVENTIONAL_MEMORY,
		  emu_mem_type_at(&self->e.mem, emu_addr(ram + 0x200000)));
	ASSERT_EQ(EFI_SUCCESS, dt->fixup(dt, pdt, &size,
					 EFI_DT_RESERVE_MEMORY));
	EXPECT_EQ(EFI_RESERVED_TYPE,
		  emu_mem_type_at(&self->e.mem, emu_addr(ram + 0x101000)));
	EXPECT_EQ(EFI_RESERVED_TYPE,
		  emu_mem_type_at(&self->e.mem, emu_addr(ram + 0x202000)));
	EXPECT_EQ(EFI_CONVENTIONAL_MEMORY,
		  emu_mem_type_at(&self->e.mem, emu_addr(ram + 0x203000)));
	EXPECT_EQ(EFI_BOOT_SERVICES_DATA,
		  emu_mem_type_at(&self->e.mem, emu_addr(ram + 0x300000)));
	EXPECT_EQ(EFI_CONVENTIONAL_MEMORY,
		  emu_mem_type_at(&self->e.mem, emu_addr(ram + 0x400000)));
	addr = emu_addr(ram + 0x200000);
	EXPECT_NE(EFI_SUCCESS, self->bs->allocate_pages(EFI_ALLOCATE_ADDRESS,
							EFI_LOADER_DATA, 1,
							&addr));

	/* INSTALL_TABLE: the payload's DT becomes the table. */
	ASSERT_EQ(EFI_SUCCESS, dt->fixup(dt, pdt, &size, EFI_DT_INSTALL_TABLE));
	for (len = 0; len < self->st->nr_tables; len++)
		if (emu_guid_eq(&self->e.tables[len].guid, &dtb))
			EXPECT_EQ(pdt, self->e.tables[len].table);
}

TEST_F(boot, exit_boot_services_needs_current_key)
{
	efi_guid_t guid = EFI_RNG_PROTOCOL_GUID;
	efi_boot_services_t *bs = self->bs;
	unsigned long size = 0, key, dsize;
	u8 map[4096];
	void *p;
	u32 ver;

	EXPECT_EQ(EFI_BUFFER_TOO_SMALL,
		  bs->get_memory_map(&size, NULL, &key, &dsize, &ver));
	size = sizeof(map);
	ASSERT_EQ(EFI_SUCCESS, bs->get_memory_map(&size, (void *)map, &key,
						  &dsize, &ver));
	/* Any allocation in between makes the key stale. */
	ASSERT_EQ(EFI_SUCCESS, bs->allocate_pool(EFI_LOADER_DATA, 8, &p));
	EXPECT_EQ(EFI_INVALID_PARAMETER, bs->exit_boot_services(NULL, key));
	EXPECT_EQ(0, ebs_hook_calls);
	size = sizeof(map);
	ASSERT_EQ(EFI_SUCCESS, bs->get_memory_map(&size, (void *)map, &key,
						  &dsize, &ver));
	ASSERT_EQ(EFI_SUCCESS, bs->exit_boot_services(NULL, key));
	EXPECT_EQ(1, ebs_hook_calls);
	EXPECT_EQ(NULL, self->st->boottime);
	EXPECT_EQ(NULL, self->st->con_out);
	EXPECT_EQ(header_crc(self->st, sizeof(*self->st)),
		  self->st->hdr.crc32);

	/* Boot services are gone: refused through a kept pointer, logged once. */
	console_len = 0;
	console[0] = 0;
	key = self->e.mem.key;
	EXPECT_EQ(EFI_UNSUPPORTED, bs->allocate_pool(EFI_LOADER_DATA, 8, &p));
	EXPECT_EQ(EFI_UNSUPPORTED, bs->allocate_pool(EFI_LOADER_DATA, 8, &p));
	EXPECT_EQ(EFI_UNSUPPORTED, bs->get_memory_map(&size, (void *)map,
						      &key, &dsize, &ver));
	EXPECT_EQ(EFI_UNSUPPORTED, bs->exit_boot_services(NULL, key));
	EXPECT_EQ(EFI_UNSUPPORTED, bs->install_configuration_table(&guid, map));
	EXPECT_EQ(key, self->e.mem.key);
	EXPECT_EQ(1, ebs_hook_calls);
	EXPECT_NE(NULL, strstr(console,
			       "efi-emu: AllocatePool() called after ExitBootServices()"));
	EXPECT_EQ(NULL, strstr(strstr(console, "AllocatePool") + 1,
			       "AllocatePool"));
}

static int notified;

static void __efiapi notify(efi_event_t ev, void *ctx)
{
	notified += *(int *)ctx;
}

TEST_F(boot, events)
{
	efi_boot_services_t *bs = self->bs;
	efi_event_t ev, sig, ebs;
	unsigned long idx = 9, size = 4096, key, dsize;
	int one = 1, ten = 10;
	u8 map[4096];
	u32 ver;

	notified = 0;
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  bs->create_event(EFI_EVT_NOTIFY_SIGNAL, EFI_TPL_CALLBACK,
				   NULL, NULL, &ev));
	ASSERT_EQ(EFI_SUCCESS, bs->create_event(0, 0, NULL, NULL, &ev));
	EXPECT_EQ(EFI_NOT_READY, bs->check_event(ev));
	EXPECT_EQ(EFI_UNSUPPORTED, bs->wait_for_event(1, &ev, &idx));
	EXPECT_EQ(EFI_SUCCESS, bs->signal_event(ev));
	EXPECT_EQ(EFI_SUCCESS, bs->wait_for_event(1, &ev, &idx));
	EXPECT_EQ(0, idx);
	EXPECT_EQ(EFI_SUCCESS, bs->close_event(ev));
	EXPECT_EQ(EFI_INVALID_PARAMETER, bs->signal_event(ev));

	ASSERT_EQ(EFI_SUCCESS,
		  bs->create_event(EFI_EVT_NOTIFY_SIGNAL, EFI_TPL_CALLBACK,
				   notify, &one, &sig));
	EXPECT_EQ(EFI_SUCCESS, bs->signal_event(sig));
	EXPECT_EQ(1, notified);
	ASSERT_EQ(EFI_SUCCESS,
		  bs->create_event(EFI_EVT_SIGNAL_EXIT_BOOT_SERVICES,
				   EFI_TPL_CALLBACK, notify, &ten, &ebs));
	ASSERT_EQ(EFI_SUCCESS, bs->get_memory_map(&size, (void *)map, &key,
						  &dsize, &ver));
	ASSERT_EQ(EFI_SUCCESS, bs->exit_boot_services(NULL, key));
	EXPECT_EQ(11, notified);
}

TEST_F(boot, misc_services)
{
	efi_boot_services_t *bs = self->bs;
	u64 c1, c2;
	u32 crc;
	u8 buf[8] = "abcdefg";

	ASSERT_EQ(EFI_SUCCESS, bs->calculate_crc32("123456789", 9, &crc));
	EXPECT_EQ(0xcbf43926, crc);
	EXPECT_EQ(EFI_INVALID_PARAMETER, bs->calculate_crc32(NULL, 9, &crc));
	ASSERT_EQ(EFI_SUCCESS, bs->get_next_monotonic_count(&c1));
	ASSERT_EQ(EFI_SUCCESS, bs->get_next_monotonic_count(&c2));
	EXPECT_GT(c2, c1);
	bs->copy_mem(buf + 1, buf, 3);
	EXPECT_EQ(0, memcmp(buf, "aabcefg", 7));
	bs->set_mem(buf, 2, 'z');
	EXPECT_EQ(0, memcmp(buf, "zzbcefg", 7));
	EXPECT_EQ(EFI_SUCCESS, bs->set_watchdog_timer(0, 0, 0, NULL));
	EXPECT_EQ(EFI_SUCCESS, bs->stall(10));
	EXPECT_EQ(EFI_TPL_APPLICATION, bs->raise_tpl(EFI_TPL_NOTIFY));
	bs->restore_tpl(EFI_TPL_APPLICATION);
}

TEST_F(boot, console_output)
{
	efi_simple_text_output_protocol_t *con = self->st->con_out;
	efi_char16_t hello[] = { 'h', 'i', 0x263a, '\r', '\n', 0 };
	unsigned long cols, rows;

	console_len = 0;
	ASSERT_EQ(EFI_SUCCESS, con->output_string(con, hello));
	EXPECT_STREQ("hi?\r\n", console);
	ASSERT_EQ(EFI_SUCCESS, con->query_mode(con, 0, &cols, &rows));
	EXPECT_EQ(80, cols);
	EXPECT_EQ(EFI_UNSUPPORTED, con->query_mode(con, 1, &cols, &rows));
	emu_printf("x=%d u=%u h=%08x s=%s l=%llx\n", -5, 7u, 0xbeef, "ok",
		   0x123456789abcULL);
	EXPECT_NE(NULL, strstr(console, "x=-5 u=7 h=0000beef s=ok l=123456789abc"));
}

/*
 * ConIn is there, on ConOut's handle, and never has a key: what shim,
 * GRUB and systemd-boot poll for must answer, not crash on NULL.
 */
TEST_F(boot, console_input_present_and_empty)
{
	static const efi_guid_t in_guid = EFI_SIMPLE_TEXT_INPUT_PROTOCOL_GUID;
	struct efi_simple_text_input_protocol *in = self->st->con_in, *found;
	efi_boot_services_t *bs = self->bs;
	unsigned long idx = 7, size = 4096, key, dsize;
	efi_input_key_t k = { 1, 2 };
	u8 map[4096];
	u32 ver;

	ASSERT_NE(NULL, in);
	EXPECT_EQ(self->st->con_out_handle, self->st->con_in_handle);
	ASSERT_EQ(EFI_SUCCESS,
		  bs->handle_protocol(self->st->con_in_handle,
				      (efi_guid_t *)&in_guid, (void **)&found));
	EXPECT_EQ(in, found);
	EXPECT_EQ(EFI_SUCCESS, in->reset(in, false));
	EXPECT_EQ(EFI_NOT_READY, in->read_keystroke(in, &k));
	EXPECT_EQ(EFI_INVALID_PARAMETER, in->read_keystroke(in, NULL));
	ASSERT_NE(NULL, in->wait_for_key);
	EXPECT_EQ(EFI_NOT_READY, bs->check_event(in->wait_for_key));
	/* Nothing will ever signal it: waiting fails instead of hanging. */
	EXPECT_EQ(EFI_UNSUPPORTED, bs->wait_for_event(1, &in->wait_for_key,
						      &idx));
	EXPECT_EQ(7, idx);
	EXPECT_EQ(header_crc(self->st, sizeof(*self->st)),
		  self->st->hdr.crc32);
	ASSERT_EQ(EFI_SUCCESS, bs->get_memory_map(&size, (void *)map, &key,
						  &dsize, &ver));
	ASSERT_EQ(EFI_SUCCESS, bs->exit_boot_services(NULL, key));
	EXPECT_EQ(NULL, self->st->con_in);
	EXPECT_EQ(NULL, self->st->con_in_handle);
}

/* StartImage/Exit, with the crafted image's entry pointed at host code. */
static efi_boot_services_t *g_bs;
static int entered;

static void deep_exit(efi_handle_t h)
{
	g_bs->exit(h, EFI_ABORTED, 0, NULL);
}

static efi_status_t __efiapi host_entry(efi_handle_t h, efi_system_table_t *st)
{
	entered++;
	if (entered == 2)
		deep_exit(h);		/* never returns */
	return 0x1234;
}

static efi_status_t load_crafted_entry(efi_boot_services_t *bs,
				       efi_handle_t *h,
				       efi_status_t (__efiapi *entry)(efi_handle_t,
								      efi_system_table_t *))
{
	static const efi_guid_t li = LOADED_IMAGE_PROTOCOL_GUID;
	struct emu_image *img;
	struct pb_spec s;
	efi_status_t st;
	size_t size;
	u8 *f;

	pb_default(&s);
	f = pb_build(&s, &size);
	st = emu_load_image_buffer(NULL, f, size, NULL, h);
	free(f);
	if (st != EFI_SUCCESS)
		return st;
	bs->handle_protocol(*h, (efi_guid_t *)&li, (void **)&img);
	img->entry = entry;
	return EFI_SUCCESS;
}

static efi_status_t load_crafted(efi_boot_services_t *bs, efi_handle_t *h)
{
	return load_crafted_entry(bs, h, host_entry);
}

TEST_F(boot, load_start_exit_unload)
{
	efi_boot_services_t *bs = self->bs;
	efi_guid_t li_guid = LOADED_IMAGE_PROTOCOL_GUID;
	efi_loaded_image_t *li;
	efi_handle_t h, child;
	u32 regions = self->e.mem.count;
	struct pb_spec s;
	size_t size;
	u8 *f;

	g_bs = bs;
	entered = 0;
	ASSERT_EQ(EFI_SUCCESS, load_crafted(bs, &h));
	ASSERT_EQ(EFI_SUCCESS, bs->handle_protocol(h, &li_guid, (void **)&li));
	EXPECT_EQ(0, emu_addr(li->image_base) & 0xfff);
	EXPECT_EQ(0x4000, li->image_size);
	EXPECT_EQ(self->st, li->system_table);
	/* Relocated for where it landed (preferred base 0x10000000). */
	EXPECT_EQ(0xaaaaaaaaaaaaaaaaULL - 0x10000000 + emu_addr(li->image_base),
		  *(u64 *)((u8 *)li->image_base + 0x1008));

	/* A child loaded by the image from a buffer; unloaded unstarted. */
	pb_default(&s);
	f = pb_build(&s, &size);
	ASSERT_EQ(EFI_SUCCESS, bs->load_image(false, h, NULL, f, size, &child));
	/* No buffer and no path: nothing to load from. */
	EXPECT_EQ(EFI_INVALID_PARAMETER, bs->load_image(false, h, NULL, NULL,
							0, &child));
	EXPECT_EQ(EFI_SUCCESS, bs->unload_image(child));
	/* Machine refused with its name on the console. */
	s.machine = 0x8664;
	free(f);
	f = pb_build(&s, &size);
	EXPECT_EQ(EFI_UNSUPPORTED, bs->load_image(false, h, NULL, f, size,
						  &child));
	EXPECT_NE(NULL, strstr(console, "X64"));
	free(f);

	/* Returns normally: status passed up, image unloaded. */
	EXPECT_EQ(0x1234, bs->start_image(h, NULL, NULL));
	EXPECT_EQ(EFI_INVALID_PARAMETER, bs->start_image(h, NULL, NULL));

	/* Exit() from deeper down comes back to StartImage(). */
	ASSERT_EQ(EFI_SUCCESS, load_crafted(bs, &h));
	EXPECT_EQ(EFI_ABORTED, bs->start_image(h, NULL, NULL));
	EXPECT_EQ(2, entered);
	/* Everything given back: the map is as before the first load. */
	EXPECT_EQ(regions, self->e.mem.count);
}

/*
 * The kernel arguments (emu_set_kernel_args()) end the LoadOptions of an
 * image that is the kernel itself, whatever its loader set there, and of
 * nothing else; the loader's buffer stays as it was.
 */
static efi_char16_t seen_opts[64];
static u32 seen_opts_size;

static efi_status_t __efiapi opts_entry(efi_handle_t h, efi_system_table_t *st)
{
	static const efi_guid_t li_guid = LOADED_IMAGE_PROTOCOL_GUID;
	efi_loaded_image_t *li;

	memset(seen_opts, 0, sizeof(seen_opts));
	seen_opts_size = 0;
	if (st->boottime->handle_protocol(h, (efi_guid_t *)&li_guid,
					  (void **)&li) != EFI_SUCCESS)
		return EFI_LOAD_ERROR;
	seen_opts_size = li->load_options_size;
	if (li->load_options && seen_opts_size <= sizeof(seen_opts))
		memcpy(seen_opts, li->load_options, seen_opts_size);
	return EFI_SUCCESS;
}

static efi_status_t start_with_options(efi_boot_services_t *bs, bool kernel,
				       const efi_char16_t *opts, u32 size)
{
	static const efi_guid_t li_guid = LOADED_IMAGE_PROTOCOL_GUID;
	struct emu_image *img;
	efi_loaded_image_t *li;
	struct pb_spec s;
	efi_handle_t h;
	efi_status_t st;
	size_t len;
	u8 *f;

	pb_default(&s);
	f = pb_build(&s, &len);
	/* The arm64 Image magic makes it the kernel itself. */
	if (kernel)
		memcpy(f + 0x38, "ARM\x64", 4);
	st = emu_load_image_buffer(NULL, f, len, NULL, &h);
	free(f);
	if (st != EFI_SUCCESS)
		return st;
	bs->handle_protocol(h, (efi_guid_t *)&li_guid, (void **)&img);
	img->entry = opts_entry;
	li = &img->li;
	li->load_options = (void *)opts;
	li->load_options_size = size;
	return bs->start_image(h, NULL, NULL);
}

TEST_F(boot, kernel_args_end_the_kernels_load_options)
{
	static const efi_char16_t args[] = u"elfcorehdr=0x1000";
	static const efi_char16_t opts[] = u"quiet";
	static const efi_char16_t both[] = u"quiet elfcorehdr=0x1000";
	efi_char16_t bad[3] = { 'a', 'b', 'c' };
	efi_boot_services_t *bs = self->bs;
	u32 regions = self->e.mem.count;

	emu_set_kernel_args(args, sizeof(args));
	ASSERT_EQ(EFI_SUCCESS, start_with_options(bs, true, opts,
						  sizeof(opts)));
	EXPECT_EQ(sizeof(both), seen_opts_size);
	EXPECT_EQ(0, memcmp(both, seen_opts, sizeof(both)));
	EXPECT_EQ(0, memcmp(u"quiet", opts, sizeof(opts)));
	EXPECT_NE(NULL, strstr(console,
			       "kernel command line += \"elfcorehdr=0x1000\""));
	/* Our copy went with the image. */
	EXPECT_EQ(regions, self->e.mem.count);

	/* Up to the loader's NUL, not its size. */
	ASSERT_EQ(EFI_SUCCESS, start_with_options(bs, true, both + 6,
						  sizeof(both) + 64));
	EXPECT_EQ(2 * sizeof(args), seen_opts_size);

	/* No options at all: the arguments alone. */
	ASSERT_EQ(EFI_SUCCESS, start_with_options(bs, true, NULL, 0));
	EXPECT_EQ(sizeof(args), seen_opts_size);
	EXPECT_EQ(0, memcmp(args, seen_opts, sizeof(args)));

	/* Not the kernel itself (a UKI's stub, a zboot image): untouched. */
	ASSERT_EQ(EFI_SUCCESS, start_with_options(bs, false, opts,
						  sizeof(opts)));
	EXPECT_EQ(sizeof(opts), seen_opts_size);
	EXPECT_EQ(0, memcmp(opts, seen_opts, sizeof(opts)));

	/* Arguments without their NUL, or empty, are none. */
	emu_set_kernel_args(bad, sizeof(bad));
	ASSERT_EQ(EFI_SUCCESS, start_with_options(bs, true, opts,
						  sizeof(opts)));
	EXPECT_EQ(sizeof(opts), seen_opts_size);
	emu_set_kernel_args(u"", 2);
	ASSERT_EQ(EFI_SUCCESS, start_with_options(bs, true, opts,
						  sizeof(opts)));
	EXPECT_EQ(sizeof(opts), seen_opts_size);
	EXPECT_EQ(regions, self->e.mem.count);
}

/*
 * Exit()'s ExitData reaches the caller of StartImage(), whose buffer it
 * then is; a caller that does not want it has it freed; a pointer that is
 * not pool memory is not passed on.  An image's protocol opens go with it.
 */
static int exit_mode;
static efi_handle_t held_handle;

static efi_status_t __efiapi exit_data_entry(efi_handle_t h,
					     efi_system_table_t *st)
{
	static const efi_char16_t text[] = { 'n', 'o', ' ', 'k', 'e', 'y', 0 };
	efi_boot_services_t *bs = st->boottime;
	efi_handle_t ctrl = NULL;
	static int x;
	void *buf, *p;

	switch (exit_mode) {
	case 0:
		if (bs->allocate_pool(EFI_LOADER_DATA, sizeof(text),
				      &buf) != EFI_SUCCESS)
			return EFI_LOAD_ERROR;
		memcpy(buf, text, sizeof(text));
		bs->exit(h, EFI_SECURITY_VIOLATION, sizeof(text), buf);
		break;
	case 1:
		/* Claims more than the buffer holds: not passed on. */
		if (bs->allocate_pool(EFI_LOADER_DATA, 8, &buf) != EFI_SUCCESS)
			return EFI_LOAD_ERROR;
		bs->exit(h, EFI_ABORTED, 1 << 20, buf);
		break;
	case 2:
		/* Holds guid_a of a handle BY_DRIVER, then ends. */
		if (bs->install_protocol_interface(&ctrl, &guid_b,
						   EFI_NATIVE_INTERFACE,
						   &x) != EFI_SUCCESS ||
		    bs->open_protocol(held_handle, &guid_a, &p, h, ctrl,
				      EFI_OPEN_PROTOCOL_BY_DRIVER) !=
			    EFI_SUCCESS)
			return EFI_LOAD_ERROR;
		return EFI_SUCCESS;
	}
	return EFI_LOAD_ERROR;
}

TEST_F(boot, exit_data_reaches_start_image)
{
	efi_boot_services_t *bs = self->bs;
	u32 regions = self->e.mem.count;
	unsigned long size = 99;
	efi_char16_t *data;
	efi_handle_t h;
	char text[8];
	int a;

	ASSERT_EQ(EFI_SUCCESS, load_crafted_entry(bs, &h, exit_data_entry));
	exit_mode = 0;
	EXPECT_EQ(EFI_SECURITY_VIOLATION, bs->start_image(h, &size, &data));
	ASSERT_EQ(14, size);
	ASSERT_NE(NULL, data);
	emu_exit_data_string(data, size, text, sizeof(text));
	EXPECT_STREQ("no key", text);
	/* Bounded by the size and the buffer given. */
	emu_exit_data_string(data, 4, text, sizeof(text));
	EXPECT_STREQ("no", text);
	emu_exit_data_string(data, size, text, 3);
	EXPECT_STREQ("no", text);
	EXPECT_EQ(EFI_SUCCESS, bs->free_pool(data));

	/* Nobody asks for it: freed. */
	ASSERT_EQ(EFI_SUCCESS, load_crafted_entry(bs, &h, exit_data_entry));
	EXPECT_EQ(EFI_SECURITY_VIOLATION, bs->start_image(h, NULL, NULL));
	EXPECT_EQ(regions, self->e.mem.count);

	ASSERT_EQ(EFI_SUCCESS, load_crafted_entry(bs, &h, exit_data_entry));
	exit_mode = 1;
	EXPECT_EQ(EFI_ABORTED, bs->start_image(h, &size, &data));
	EXPECT_EQ(0, size);
	EXPECT_EQ(NULL, data);

	/* Exit() on a handle that is not running: refused, buffer kept. */
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  bs->exit((efi_handle_t)&a, EFI_ABORTED, 0, NULL));

	/* The image's BY_DRIVER open ends with it. */
	held_handle = NULL;
	ASSERT_EQ(EFI_SUCCESS,
		  bs->install_protocol_interface(&held_handle, &guid_a,
						 EFI_NATIVE_INTERFACE, &a));
	ASSERT_EQ(EFI_SUCCESS, load_crafted_entry(bs, &h, exit_data_entry));
	exit_mode = 2;
	EXPECT_EQ(EFI_SUCCESS, bs->start_image(h, NULL, NULL));
	EXPECT_EQ(EFI_SUCCESS,
		  bs->uninstall_protocol_interface(held_handle, &guid_a, &a));
}

/*
 * LoadImage(SourceBuffer = NULL, path), as the 6.1 zboot stub calls it:
 * the running image installs EFI_LOAD_FILE2_PROTOCOL on a vendor path and
 * loads its kernel through it.  Only such a protocol is read: not one
 * installed by anybody else (the emulator's own initrd provider included).
 */
static u8 *lf_file;
static size_t lf_size;
static int lf_calls;
static efi_status_t lf_result, lf_bp_result;
static efi_handle_t lf_child;
static struct initrd_dp lf_dp;

static efi_status_t __efiapi lf_load(efi_load_file2_protocol_t *this,
				     struct efi_device_path *path,
				     bool boot_policy, unsigned long *size,
				     void *buf)
{
	lf_calls++;
	if (boot_policy || path->type != EFI_DEV_END_PATH)
		return EFI_INVALID_PARAMETER;
	if (!buf || *size < lf_size) {
		*size = lf_size;
		return EFI_BUFFER_TOO_SMALL;
	}
	memcpy(buf, lf_file, lf_size);
	*size = lf_size;
	return EFI_SUCCESS;
}

static efi_load_file2_protocol_t lf_proto = { lf_load };

static efi_status_t __efiapi lf_entry(efi_handle_t h, efi_system_table_t *st)
{
	efi_guid_t dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
	efi_guid_t lf2 = EFI_LOAD_FILE2_PROTOCOL_GUID;
	efi_boot_services_t *bs = st->boottime;
	efi_handle_t dev = NULL;
	efi_status_t status;

	status = bs->install_multiple_protocol_interfaces(&dev, &dp_guid,
							  &lf_dp, &lf2,
							  &lf_proto, NULL);
	if (status != EFI_SUCCESS)
		return EFI_LOAD_ERROR;
	/* A boot-policy load wants LoadFile, which this path does not have. */
	lf_bp_result = bs->load_image(true, h, &lf_dp.vendor.header, NULL, 0,
				      &lf_child);
	lf_result = bs->load_image(false, h, &lf_dp.vendor.header, NULL, 0,
				   &lf_child);
	return 0x77;
}

TEST_F(boot, load_image_from_the_callers_load_file2)
{
	static const efi_guid_t li = LOADED_IMAGE_PROTOCOL_GUID;
	efi_guid_t lf2 = EFI_LOAD_FILE2_PROTOCOL_GUID;
	efi_guid_t dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
	efi_boot_services_t *bs = self->bs;
	struct initrd_dp idp = make_initrd_dp(), odp;
	efi_loaded_image_t *cli;
	struct emu_image *img;
	efi_handle_t h, dev = NULL;
	static const char initrd[] = "not code";
	struct pb_spec s;

	pb_default(&s);
	lf_file = pb_build(&s, &lf_size);
	lf_dp = make_initrd_dp();
	((u8 *)&lf_dp.vendor.vendor)[0] ^= 0xff;	/* a vendor path of its own */
	lf_calls = 0;
	lf_child = NULL;
	ASSERT_EQ(EFI_SUCCESS, load_crafted(bs, &h));
	bs->handle_protocol(h, (efi_guid_t *)&li, (void **)&img);
	img->entry = lf_entry;
	EXPECT_EQ(0x77, bs->start_image(h, NULL, NULL));
	EXPECT_EQ(EFI_NOT_FOUND, lf_bp_result);
	ASSERT_EQ(EFI_SUCCESS, lf_result);
	EXPECT_EQ(2, lf_calls);		/* the size, then the data */
	ASSERT_EQ(EFI_SUCCESS, bs->handle_protocol(lf_child, (efi_guid_t *)&li,
						   (void **)&cli));
	EXPECT_EQ(0x4000, cli->image_size);
	EXPECT_EQ(0, memcmp(cli->image_base, lf_file, 0x200));	/* headers */
	EXPECT_EQ(EFI_SUCCESS, bs->unload_image(lf_child));

	/* The same protocol installed by no running image: not read. */
	lf_calls = 0;
	odp = lf_dp;
	((u8 *)&odp.vendor.vendor)[1] ^= 0xff;
	ASSERT_EQ(EFI_SUCCESS,
		  bs->install_multiple_protocol_interfaces(&dev, &dp_guid, &odp,
							   &lf2, &lf_proto,
							   NULL));
	ASSERT_EQ(EFI_SUCCESS, load_crafted(bs, &h));
	console_len = 0;
	console[0] = 0;
	EXPECT_EQ(EFI_NOT_FOUND, bs->load_image(false, h, &odp.vendor.header,
						NULL, 0, &lf_child));
	EXPECT_EQ(0, lf_calls);
	EXPECT_NE(NULL, strstr(console, "no LoadFile of the caller serves that path"));
	/* Nor the emulator's initrd, nor a path nothing serves. */
	ASSERT_EQ(EFI_SUCCESS, emu_install_initrd(emu_addr(initrd),
						  sizeof(initrd)));
	EXPECT_EQ(EFI_NOT_FOUND, bs->load_image(false, h, &idp.vendor.header,
						NULL, 0, &lf_child));
	((u8 *)&idp.vendor.vendor)[2] ^= 0xff;
	EXPECT_EQ(EFI_NOT_FOUND, bs->load_image(false, h, &idp.vendor.header,
						NULL, 0, &lf_child));
	EXPECT_EQ(EFI_INVALID_PARAMETER, bs->load_image(false, h, NULL, NULL,
							0, &lf_child));
	EXPECT_EQ(EFI_SUCCESS, bs->unload_image(h));
	free(lf_file);
}

static const struct emu_guid_trace *traced(struct emulator *e,
					   const efi_guid_t *guid)
{
	u32 i;

	for (i = 0; i < EMU_MAX_TRACED_GUIDS && e->guids[i].asked; i++)
		if (emu_guid_eq(&e->guids[i].guid, guid))
			return &e->guids[i];
	return NULL;
}

/*
 * Calls are counted where the payload enters, once each: LoadImage()'s
 * own device path lookups are not the payload's LocateDevicePath(), a
 * WaitForEvent() that cannot wait counts once, and the lookups a payload
 * makes are in the trace with what they found.
 */
TEST_F(boot, only_the_payloads_calls_are_counted)
{
	static const efi_guid_t li = LOADED_IMAGE_PROTOCOL_GUID;
	static const efi_guid_t lf2 = EFI_LOAD_FILE2_PROTOCOL_GUID;
	static const efi_guid_t lf = EFI_LOAD_FILE_PROTOCOL_GUID;
	efi_boot_services_t *bs = self->bs;
	const struct emu_guid_trace *t;
	efi_event_t ev;
	unsigned long index;
	struct pb_spec s;
	efi_handle_t h;
	void *iface;
	u32 i, sum = 0;

	for (i = 0; i < EMU_BS_COUNT; i++)
		sum += self->e.calls[i];
	EXPECT_EQ(0, sum);	/* emu_init() installed protocols uncounted */

	pb_default(&s);
	lf_file = pb_build(&s, &lf_size);
	lf_dp = make_initrd_dp();
	lf_child = NULL;
	ASSERT_EQ(EFI_SUCCESS, load_crafted_entry(bs, &h, lf_entry));
	EXPECT_EQ(0x77, bs->start_image(h, NULL, NULL));
	ASSERT_EQ(EFI_SUCCESS, lf_result);
	EXPECT_EQ(2, self->e.calls[EMU_BS_load_image]);
	EXPECT_EQ(1, self->e.calls[EMU_BS_start_image]);
	EXPECT_EQ(1, self->e.calls[EMU_BS_install_multiple_protocol_interfaces]);
	EXPECT_EQ(0, self->e.calls[EMU_BS_locate_device_path]);
	EXPECT_EQ(NULL, traced(&self->e, &lf2));
	EXPECT_EQ(NULL, traced(&self->e, &lf));
	EXPECT_EQ(1, self->e.calls[EMU_BS_handle_protocol]);
	t = traced(&self->e, &li);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(1, t->asked);
	EXPECT_EQ(1, t->found);

	EXPECT_EQ(EFI_NOT_FOUND, bs->locate_protocol(&guid_a, NULL, &iface));
	t = traced(&self->e, &guid_a);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(1, t->asked);
	EXPECT_EQ(0, t->found);

	ASSERT_EQ(EFI_SUCCESS, bs->create_event(0, 0, NULL, NULL, &ev));
	EXPECT_EQ(EFI_UNSUPPORTED, bs->wait_for_event(1, &ev, &index));
	EXPECT_EQ(1, self->e.calls[EMU_BS_wait_for_event]);
	EXPECT_EQ(EFI_SUCCESS, bs->unload_image(lf_child));
	free(lf_file);
}

/*
 * Page permissions: a model of the platform's page tables (one attribute
 * word per page of the test RAM, all non-executable at the start, as the
 * kernel maps RAM), and what the boot services, LoadImage() and
 * EFI_MEMORY_ATTRIBUTE_PROTOCOL do to it.
 */
#define ATTR_PAGES	(RAM_SIZE / EFI_PAGE_SIZE)

static u64 model[ATTR_PAGES];
static u64 model_base;

static efi_status_t model_set(u64 base, u64 size, u64 set, u64 clear)
{
	u64 i;

	if (base < model_base || base + size > model_base + RAM_SIZE)
		return EFI_NO_MAPPING;
	for (i = (base - model_base) / EFI_PAGE_SIZE;
	     i < (base + size - model_base) / EFI_PAGE_SIZE; i++)
		model[i] = (model[i] & ~clear) | set;
	return EFI_SUCCESS;
}

static efi_status_t model_get(u64 base, u64 size, u64 *attrs)
{
	u64 i, first = (base - model_base) / EFI_PAGE_SIZE;

	if (base < model_base || base + size > model_base + RAM_SIZE)
		return EFI_NO_MAPPING;
	for (i = first; i < (base + size - model_base) / EFI_PAGE_SIZE; i++)
		if (model[i] != model[first])
			return EFI_NO_MAPPING;
	*attrs = model[first];
	return EFI_SUCCESS;
}

static const struct emu_platform_ops attr_ops = {
	.write = host_write,
	.set_attrs = model_set,
	.get_attrs = model_get,
};

FIXTURE(attrs) {
	struct emu_region storage[128];
	struct emulator e;
	void *ram;
	efi_boot_services_t *bs;
	efi_memory_attribute_protocol_t *ma;
};

FIXTURE_SETUP(attrs)
{
	efi_guid_t guid = EFI_MEMORY_ATTRIBUTE_PROTOCOL_GUID;
	u64 i;

	self->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->ram);
	model_base = emu_addr(self->ram);
	for (i = 0; i < ATTR_PAGES; i++)
		model[i] = EFI_MEMORY_XP;
	memset(&self->e, 0, sizeof(self->e));
	emu_mem_init(&self->e.mem, self->storage,
		     EMU_ARRAY_SIZE(self->storage));
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&self->e.mem, model_base, ATTR_PAGES,
			      EFI_CONVENTIONAL_MEMORY, EFI_MEMORY_WB, 0));
	console_len = 0;
	console[0] = 0;
	ASSERT_EQ(EFI_SUCCESS, emu_init(&self->e, &attr_ops,
					&(struct emu_firmware){ }));
	self->bs = self->e.systab->boottime;
	ASSERT_EQ(EFI_SUCCESS, self->bs->locate_protocol(&guid, NULL,
							 (void **)&self->ma));
}

FIXTURE_TEARDOWN(attrs)
{
	munmap(self->ram, RAM_SIZE);
}

static u64 page_attrs(u64 addr)
{
	return model[(addr - model_base) / EFI_PAGE_SIZE];
}

TEST(attrs_protocol_absent_without_platform_hooks)
{
	efi_guid_t guid = EFI_MEMORY_ATTRIBUTE_PROTOCOL_GUID;
	struct emu_region storage[16];
	struct emulator e = { };
	void *ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *iface;

	ASSERT_NE(MAP_FAILED, ram);
	emu_mem_init(&e.mem, storage, EMU_ARRAY_SIZE(storage));
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&e.mem, emu_addr(ram), ATTR_PAGES,
			      EFI_CONVENTIONAL_MEMORY, EFI_MEMORY_WB, 0));
	ASSERT_EQ(EFI_SUCCESS, emu_init(&e, &host_ops,
					&(struct emu_firmware){ }));
	EXPECT_EQ(EFI_NOT_FOUND,
		  e.systab->boottime->locate_protocol(&guid, NULL, &iface));
	munmap(ram, RAM_SIZE);
}

TEST_F(attrs, arguments_checked)
{
	efi_memory_attribute_protocol_t *ma = self->ma;
	u64 a, p = model_base + 0x10000;

	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  ma->get_memory_attributes(ma, p + 1, 0x1000, &a));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  ma->get_memory_attributes(ma, p, 0x800, &a));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  ma->get_memory_attributes(ma, p, 0, &a));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  ma->get_memory_attributes(ma, p, 0x1000, NULL));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  ma->set_memory_attributes(ma, p, 0x1000, 0));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  ma->set_memory_attributes(ma, p, 0x1000, EFI_MEMORY_WB));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  ma->clear_memory_attributes(ma, p, 0x1000,
					      EFI_MEMORY_XP | EFI_MEMORY_WB));
	EXPECT_EQ(EFI_INVALID_PARAMETER,
		  ma->set_memory_attributes(ma, ~0xfffULL, 0x2000,
					    EFI_MEMORY_RO));
	/* Outside what the platform maps. */
	EXPECT_EQ(EFI_NO_MAPPING,
		  ma->get_memory_attributes(ma, 0x1000, 0x1000, &a));
}

TEST_F(attrs, set_get_clear)
{
	efi_memory_attribute_protocol_t *ma = self->ma;
	u64 a, p;

	ASSERT_EQ(EFI_SUCCESS,
		  self->bs->allocate_pages(EFI_ALLOCATE_ANY_PAGES,
					   EFI_LOADER_DATA, 4, &p));
	ASSERT_EQ(EFI_SUCCESS, ma->get_memory_attributes(ma, p, 0x4000, &a));
	EXPECT_EQ(EFI_MEMORY_XP, a);
	ASSERT_EQ(EFI_SUCCESS, ma->set_memory_attributes(ma, p, 0x2000,
							 EFI_MEMORY_RO));
	ASSERT_EQ(EFI_SUCCESS, ma->get_memory_attributes(ma, p, 0x2000, &a));
	EXPECT_EQ(EFI_MEMORY_RO | EFI_MEMORY_XP, a);
	/* Pages that differ have no one answer. */
	EXPECT_EQ(EFI_NO_MAPPING,
		  ma->get_memory_attributes(ma, p, 0x4000, &a));
	ASSERT_EQ(EFI_SUCCESS, ma->clear_memory_attributes(ma, p, 0x1000,
							   EFI_MEMORY_XP));
	EXPECT_EQ(EFI_MEMORY_RO, page_attrs(p));
	EXPECT_EQ(EFI_MEMORY_RO | EFI_MEMORY_XP, page_attrs(p + 0x1000));
	EXPECT_EQ(EFI_MEMORY_XP, page_attrs(p + 0x2000));
	/* Freed memory is plain data again. */
	ASSERT_EQ(EFI_SUCCESS, self->bs->free_pages(p, 4));
	EXPECT_EQ(EFI_MEMORY_XP, page_attrs(p));
	EXPECT_EQ(EFI_MEMORY_XP, page_attrs(p + 0x1000));
	EXPECT_EQ(3, self->e.memattr_calls[0]);
	EXPECT_EQ(1, self->e.memattr_calls[1]);
	EXPECT_EQ(1, self->e.memattr_calls[2]);
}

TEST_F(attrs, code_allocations_executable_data_not)
{
	u64 p, d, base, pages;
	void *pool;

	ASSERT_EQ(EFI_SUCCESS,
		  self->bs->allocate_pages(EFI_ALLOCATE_ANY_PAGES,
					   EFI_LOADER_CODE, 2, &p));
	EXPECT_EQ(0, page_attrs(p));
	EXPECT_EQ(0, page_attrs(p + 0x1000));
	ASSERT_EQ(EFI_SUCCESS,
		  self->bs->allocate_pages(EFI_ALLOCATE_ANY_PAGES,
					   EFI_BOOT_SERVICES_DATA, 1, &d));
	EXPECT_EQ(EFI_MEMORY_XP, page_attrs(d));
	ASSERT_EQ(EFI_SUCCESS, self->bs->free_pages(p, 2));
	EXPECT_EQ(EFI_MEMORY_XP, page_attrs(p));
	EXPECT_EQ(EFI_MEMORY_XP, page_attrs(p + 0x1000));

	ASSERT_EQ(EFI_SUCCESS, self->bs->allocate_pool(EFI_BOOT_SERVICES_CODE,
						       5000, &pool));
	ASSERT_TRUE(emu_pool_pages(&self->e.mem, pool, &base, &pages));
	EXPECT_EQ(2, pages);
	EXPECT_EQ(0, page_attrs(base));
	EXPECT_EQ(0, page_attrs(base + 0x1000));
	ASSERT_EQ(EFI_SUCCESS, self->bs->free_pool(pool));
	EXPECT_EQ(EFI_MEMORY_XP, page_attrs(base));
	EXPECT_EQ(EFI_MEMORY_XP, page_attrs(base + 0x1000));
	EXPECT_EQ(EFI_INVALID_PARAMETER, self->bs->free_pool(pool));
}

/* Load the crafted image @s describes; its load address, or 0. */
static u64 load_spec(const struct pb_spec *s, efi_handle_t *h)
{
	static const efi_guid_t li_guid = LOADED_IMAGE_PROTOCOL_GUID;
	struct emu_image *img;
	size_t size;
	u8 *f = pb_build(s, &size);
	efi_status_t st = emu_load_image_buffer(NULL, f, size, NULL, h);

	free(f);
	if (st != EFI_SUCCESS)
		return 0;
	img = emu_search_protocol(emu_handle_get(*h), &li_guid);
	return img ? img->base : 0;
}

TEST_F(attrs, loaded_image_gets_its_sections_permissions)
{
	struct pb_spec s;
	efi_handle_t h;
	u64 base;

	/* .text at 0x1000 (0x1800 bytes, code), .reloc at 0x3000 (data). */
	pb_default(&s);
	s.sect[1].flags = IMAGE_SCN_MEM_READ;
	base = load_spec(&s, &h);
	ASSERT_NE(0, base);
	EXPECT_EQ(EFI_MEMORY_RO | EFI_MEMORY_XP, page_attrs(base));
	EXPECT_EQ(EFI_MEMORY_RO, page_attrs(base + 0x1000));
	EXPECT_EQ(EFI_MEMORY_RO, page_attrs(base + 0x2000));
	EXPECT_EQ(EFI_MEMORY_RO | EFI_MEMORY_XP, page_attrs(base + 0x3000));
	ASSERT_EQ(EFI_SUCCESS, self->bs->unload_image(h));
	EXPECT_EQ(EFI_MEMORY_XP, page_attrs(base + 0x1000));
	EXPECT_EQ(EFI_MEMORY_XP, page_attrs(base));

	/* A writable data section is writable and not executable. */
	s.sect[1].flags = IMAGE_SCN_MEM_READ | IMAGE_SCN_MEM_WRITE;
	base = load_spec(&s, &h);
	ASSERT_NE(0, base);
	EXPECT_EQ(EFI_MEMORY_XP, page_attrs(base + 0x3000));
	EXPECT_EQ(EFI_MEMORY_RO, page_attrs(base + 0x1000));
	ASSERT_EQ(EFI_SUCCESS, self->bs->unload_image(h));
}

TEST_F(attrs, image_without_page_aligned_sections_stays_writable)
{
	struct pb_spec s;
	efi_handle_t h;
	u64 base;

	pb_default(&s);
	s.section_align = 0x200;
	base = load_spec(&s, &h);
	ASSERT_NE(0, base);
	EXPECT_EQ(0, page_attrs(base));
	EXPECT_EQ(0, page_attrs(base + 0x3000));
	ASSERT_EQ(EFI_SUCCESS, self->bs->unload_image(h));
}

/* One section starting inside a page, as .sdmagic in x86 systemd-stub. */
TEST_F(attrs, image_with_a_section_inside_a_page_stays_writable)
{
	struct pb_spec s;
	efi_handle_t h;
	u64 base;

	pb_default(&s);
	s.sect[1].rva = 0x3100;
	s.reloc_rva = 0x3100;
	base = load_spec(&s, &h);
	ASSERT_NE(0, base);
	EXPECT_EQ(0, page_attrs(base));
	EXPECT_EQ(0, page_attrs(base + 0x1000));
	EXPECT_EQ(0, page_attrs(base + 0x3000));
	ASSERT_EQ(EFI_SUCCESS, self->bs->unload_image(h));
}

TEST_F(attrs, reported_at_exit_boot_services_then_refused)
{
	efi_memory_attribute_protocol_t *ma = self->ma;
	unsigned long size = 4096, key, dsize;
	u8 map[4096];
	u32 dver;
	u64 a;

	EXPECT_EQ(EFI_SUCCESS, ma->get_memory_attributes(ma, model_base,
							 0x1000, &a));
	ASSERT_EQ(EFI_SUCCESS, self->bs->get_memory_map(&size, (void *)map,
							&key, &dsize, &dver));
	ASSERT_EQ(EFI_SUCCESS, self->bs->exit_boot_services(NULL, key));
	EXPECT_NE(NULL,
		  strstr(console,
			 "efi-emu: memory attributes: get 1, set 0, clear 0"));
	EXPECT_EQ(EFI_UNSUPPORTED, ma->set_memory_attributes(ma, model_base,
							     0x1000,
							     EFI_MEMORY_RO));
}

/*
 * Runtime services handed on from a first boot.  The "firmware" is a
 * region of the host RAM typed EfiRuntimeServicesCode with the virtual
 * address a first boot's SetVirtualAddressMap() gave it (or its own, for
 * a 1:1 first boot), and a table whose services are host functions.
 */
#define FW_VA		0x20000000ULL	/* EFI_RT_VIRTUAL_BASE of the stub */
#define FW_PAGES	32

/* No runtime services handed in: a stand-in, and a table saying so. */
TEST_F(boot, runtime_stand_in_and_properties_table)
{
	efi_guid_t rtp = EFI_RT_PROPERTIES_TABLE_GUID;
	efi_system_table_t *st = self->st;
	efi_rt_properties_table_t *prop = NULL;
	efi_runtime_services_t *rt = st->runtime;
	/* GetVariable(name, vendor, attributes, size, data) */
	efi_status_t (__efiapi *getvar)(void *, void *, void *, void *, void *);
	unsigned long i;

	for (i = 0; i < st->nr_tables; i++)
		if (!memcmp(&st->tables[i].guid, &rtp, sizeof(rtp)))
			prop = st->tables[i].table;
	ASSERT_NE(NULL, prop);
	EXPECT_EQ(0, prop->runtime_services_supported);
	ASSERT_NE(NULL, rt);
	EXPECT_EQ(0x56524553544e5552ULL, rt->hdr.signature);
	getvar = rt->services[6];
	EXPECT_EQ(EFI_NOT_FOUND, getvar(NULL, NULL, NULL, NULL, NULL));
}

static int fw_svam_calls;

static efi_status_t __efiapi fw_get_time(void)
{
	return EFI_DEVICE_ERROR;
}

static efi_status_t __efiapi fw_svam(void)
{
	fw_svam_calls++;
	return EFI_UNSUPPORTED;
}

FIXTURE(rt) {
	struct emu_region storage[64];
	struct emulator e;
	u8 *ram;
	u64 fw_pa;
	efi_runtime_services_t fw;
	efi_system_table_t *st;
	efi_rt_properties_table_t *prop;
};

static efi_rt_properties_table_t *find_prop(efi_system_table_t *st)
{
	efi_guid_t rtp = EFI_RT_PROPERTIES_TABLE_GUID;
	unsigned long i;

	for (i = 0; i < st->nr_tables; i++)
		if (!memcmp(&st->tables[i].guid, &rtp, sizeof(rtp)))
			return st->tables[i].table;
	return NULL;
}

/* RAM, then the firmware's runtime region at the top of it. */
static void rt_start(struct _test_data_rt *self,
		     struct __test_metadata *_metadata, u64 fw_va, u32 mask)
{
	u64 ram = emu_addr(self->ram);
	u64 conv = RAM_SIZE / EFI_PAGE_SIZE - FW_PAGES;

	memset(&self->e, 0, sizeof(self->e));
	emu_mem_init(&self->e.mem, self->storage,
		     EMU_ARRAY_SIZE(self->storage));
	self->fw_pa = ram + conv * EFI_PAGE_SIZE;
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&self->e.mem, ram, conv, EFI_CONVENTIONAL_MEMORY,
			      EFI_MEMORY_WB, 0));
	ASSERT_EQ(EFI_SUCCESS, emu_mem_add(&self->e.mem, self->fw_pa, FW_PAGES,
					   EFI_RUNTIME_SERVICES_CODE,
					   EFI_MEMORY_WB | EFI_MEMORY_RUNTIME,
					   fw_va ?: self->fw_pa));
	memset(&self->fw, 0, sizeof(self->fw));
	self->fw.hdr.signature = EFI_RUNTIME_SERVICES_SIGNATURE;
	self->fw.hdr.headersize = sizeof(self->fw);
	self->fw.services[0] = (void *)fw_get_time;
	self->fw.services[4] = (void *)fw_svam;
	fw_svam_calls = 0;
	console_len = 0;
	console[0] = 0;
	ASSERT_EQ(EFI_SUCCESS,
		  emu_init(&self->e, &host_ops,
			   &(struct emu_firmware){ .runtime = &self->fw,
						   .rt_mask = mask }));
	self->st = self->e.systab;
	self->prop = find_prop(self->st);
	ASSERT_NE(NULL, self->prop);
}

FIXTURE_SETUP(rt)
{
	self->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->ram);
}

FIXTURE_TEARDOWN(rt)
{
	munmap(self->ram, RAM_SIZE);
}

static void rt_exit_boot_services(struct _test_data_rt *self,
				  struct __test_metadata *_metadata)
{
	efi_boot_services_t *bs = self->st->boottime;
	unsigned long size = 4096, key, dsize;
	u32 ver;
	u8 map[4096];

	ASSERT_EQ(EFI_SUCCESS, bs->get_memory_map(&size, (void *)map, &key,
						  &dsize, &ver));
	ASSERT_EQ(EFI_SUCCESS, bs->exit_boot_services(NULL, key));
}

typedef efi_status_t (__efiapi *svam_t)(unsigned long, unsigned long, u32,
					efi_memory_desc_t *);

/*
 * The runtime part of the map as a stub passes it: every region with
 * EFI_MEMORY_RUNTIME, in map order, with the firmware at @fw_va and the
 * emulator's block at @own_va.
 */
static unsigned long rt_map(struct _test_data_rt *self,
			    efi_memory_desc_t *out, u64 fw_va, u64 own_va)
{
	unsigned long i, n = 0;

	for (i = 0; i < self->e.mem.count; i++) {
		const struct emu_region *r = &self->e.mem.map[i];

		if (!(r->attr & EFI_MEMORY_RUNTIME))
			continue;
		out[n] = (efi_memory_desc_t){
			.type = r->type, .phys_addr = r->start,
			.virt_addr = r->start == self->fw_pa ? fw_va : own_va,
			.num_pages = r->pages, .attribute = r->attr,
		};
		n++;
	}
	return n;
}

/* The system table gets a 64 KiB runtime block with EFI_MEMORY_RUNTIME. */
TEST_F(rt, system_table_block)
{
	const struct emu_region *r = NULL;
	unsigned long i;

	rt_start(self, _metadata, FW_VA, 0);
	for (i = 0; i < self->e.mem.count; i++)
		if (self->e.mem.map[i].start == self->e.rt.base)
			r = &self->e.mem.map[i];
	ASSERT_NE(NULL, r);
	EXPECT_EQ(0, self->e.rt.base % EMU_RT_SIZE);
	EXPECT_EQ(EMU_RT_SIZE / EFI_PAGE_SIZE, r->pages);
	EXPECT_EQ(EFI_RUNTIME_SERVICES_DATA, r->type);
	EXPECT_NE(0, r->attr & EFI_MEMORY_RUNTIME);
	EXPECT_EQ(emu_addr(self->st), self->e.rt.base);
}

/* A 1:1 first boot: the table is passed on as it is, no SVAM offered. */
TEST_F(rt, identity_first_boot)
{
	efi_runtime_services_t *rt;

	rt_start(self, _metadata, 0, 0x3fff);
	rt = self->st->runtime;
	EXPECT_FALSE(self->e.rt.needs_svam);
	EXPECT_EQ(0x3fff & ~EFI_RT_SUPPORTED_SET_VIRTUAL_ADDRESS_MAP,
		  self->prop->runtime_services_supported);
	EXPECT_EQ(0, memcmp(rt->services, self->fw.services,
			    sizeof(rt->services)));
	EXPECT_EQ(header_crc(rt, sizeof(*rt)), rt->hdr.crc32);
	rt_exit_boot_services(self, _metadata);
	EXPECT_EQ(0x3fff & ~EFI_RT_SUPPORTED_SET_VIRTUAL_ADDRESS_MAP,
		  self->prop->runtime_services_supported);
}

/*
 * A first boot that called SetVirtualAddressMap(): the next stub may call
 * it again with exactly that mapping, once, after ExitBootServices(); the
 * system table's pointers are then converted and the services supported.
 */
TEST_F(rt, remapped_first_boot_kept)
{
	efi_memory_desc_t map[8];
	efi_runtime_services_t *rt;
	u64 own_va = FW_VA + FW_PAGES * EFI_PAGE_SIZE + 0x10000;
	u64 base;
	unsigned long n;
	svam_t svam;

	rt_start(self, _metadata, FW_VA, 0x3fff);
	base = self->e.rt.base;
	rt = self->st->runtime;
	EXPECT_TRUE(self->e.rt.needs_svam);
	EXPECT_EQ(0x3fff, self->prop->runtime_services_supported);
	EXPECT_EQ(self->fw.services[0], rt->services[0]);
	EXPECT_EQ(header_crc(rt, sizeof(*rt)), rt->hdr.crc32);
	svam = rt->services[4];
	ASSERT_NE((void *)fw_svam, (void *)svam);
	n = rt_map(self, map, FW_VA, own_va);
	ASSERT_EQ(2, n);
	/* Not before ExitBootServices(). */
	EXPECT_EQ(EFI_UNSUPPORTED, svam(n * sizeof(map[0]), sizeof(map[0]),
					1, map));
	rt_exit_boot_services(self, _metadata);
	/* Until the mapping is confirmed, nothing is supported. */
	EXPECT_EQ(0, self->prop->runtime_services_supported);
	EXPECT_EQ(EFI_INVALID_PARAMETER, svam(n * sizeof(map[0]), 8, 1, map));
	EXPECT_EQ(EFI_SUCCESS, svam(n * sizeof(map[0]), sizeof(map[0]), 1,
				    map));
	EXPECT_EQ(0x3fff & ~EFI_RT_SUPPORTED_SET_VIRTUAL_ADDRESS_MAP,
		  self->prop->runtime_services_supported);
	EXPECT_EQ(own_va + (emu_addr(rt) - base), emu_addr(self->st->runtime));
	EXPECT_EQ(own_va + (emu_addr(self->e.tables) - base),
		  emu_addr(self->st->tables));
	EXPECT_LE(own_va, emu_addr(self->st->fw_vendor));
	EXPECT_GT(own_va + EMU_RT_SIZE, emu_addr(self->st->fw_vendor));
	EXPECT_EQ(header_crc(self->st, sizeof(*self->st)),
		  self->st->hdr.crc32);
	/* The copy now holds the firmware's own entry, which refuses. */
	EXPECT_EQ((void *)fw_svam, rt->services[4]);
	EXPECT_EQ(header_crc(rt, sizeof(*rt)), rt->hdr.crc32);
	EXPECT_EQ(EFI_UNSUPPORTED, svam(n * sizeof(map[0]), sizeof(map[0]),
					1, map));
	EXPECT_NE(NULL, strstr(console, "first boot's map of 1 kept"));
}

/* Any other mapping of the firmware is refused, and stays unsupported. */
TEST_F(rt, remapped_first_boot_other_mapping_refused)
{
	efi_memory_desc_t map[8];
	efi_runtime_services_t *rt;
	unsigned long n;
	svam_t svam;

	rt_start(self, _metadata, FW_VA, 0x3fff);
	rt = self->st->runtime;
	svam = rt->services[4];
	rt_exit_boot_services(self, _metadata);
	/* The layout a stub makes when it has other regions to place. */
	n = rt_map(self, map, FW_VA + 0x10000, FW_VA);
	EXPECT_EQ(EFI_UNSUPPORTED, svam(n * sizeof(map[0]), sizeof(map[0]),
					1, map));
	EXPECT_EQ(0, self->prop->runtime_services_supported);
	/* One region left out. */
	n = rt_map(self, map, FW_VA, FW_VA + 0x100000);
	EXPECT_EQ(EFI_UNSUPPORTED, svam((n - 1) * sizeof(map[0]),
					sizeof(map[0]), 1, map));
	/* A region that is not runtime memory. */
	map[1].phys_addr = emu_addr(self->ram);
	EXPECT_EQ(EFI_UNSUPPORTED, svam(n * sizeof(map[0]), sizeof(map[0]),
					1, map));
	EXPECT_EQ(0, self->prop->runtime_services_supported);
	EXPECT_EQ(emu_addr(rt), emu_addr(self->st->runtime));
	EXPECT_EQ(0, fw_svam_calls);
	EXPECT_NE(NULL, strstr(console, "was 0x20000000"));
}

/* No table (or a damaged one): the stand-in, and nothing supported. */
TEST_F(rt, damaged_table_replaced)
{
	efi_runtime_services_t *rt;

	self->fw.hdr.signature = 0;
	memset(&self->e, 0, sizeof(self->e));
	emu_mem_init(&self->e.mem, self->storage,
		     EMU_ARRAY_SIZE(self->storage));
	ASSERT_EQ(EFI_SUCCESS,
		  emu_mem_add(&self->e.mem, emu_addr(self->ram),
			      RAM_SIZE / EFI_PAGE_SIZE, EFI_CONVENTIONAL_MEMORY,
			      EFI_MEMORY_WB, 0));
	console_len = 0;
	ASSERT_EQ(EFI_SUCCESS,
		  emu_init(&self->e, &host_ops,
			   &(struct emu_firmware){ .runtime = &self->fw,
						   .rt_mask = 0x3fff }));
	rt = self->e.systab->runtime;
	EXPECT_EQ(0, find_prop(self->e.systab)->runtime_services_supported);
	EXPECT_EQ(EFI_RUNTIME_SERVICES_SIGNATURE, rt->hdr.signature);
	EXPECT_NE((void *)fw_get_time, rt->services[0]);
	EXPECT_NE(NULL, strstr(console, "damaged"));
}

TEST_HARNESS_MAIN
