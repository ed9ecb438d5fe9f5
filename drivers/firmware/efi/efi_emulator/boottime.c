// SPDX-License-Identifier: GPL-2.0
/*
 * The boot services table and the services too small for a file of their
 * own: TPL, memory wrappers, events, ExitBootServices(), timing and
 * memory helpers.  Every slot of the table points at a function; what is
 * not implemented says so once on the console and returns
 * EFI_UNSUPPORTED, as UEFI allows for a platform without the feature.
 */
#include "emulator.h"

#define EVENT_MAGIC 0x544e45565555454dULL /* "MEUUVENT" */

static const char *const bs_names[EMU_BS_COUNT] = {
	[EMU_BS_raise_tpl] = "RaiseTPL",
	[EMU_BS_restore_tpl] = "RestoreTPL",
	[EMU_BS_allocate_pages] = "AllocatePages",
	[EMU_BS_free_pages] = "FreePages",
	[EMU_BS_get_memory_map] = "GetMemoryMap",
	[EMU_BS_allocate_pool] = "AllocatePool",
	[EMU_BS_free_pool] = "FreePool",
	[EMU_BS_create_event] = "CreateEvent",
	[EMU_BS_set_timer] = "SetTimer",
	[EMU_BS_wait_for_event] = "WaitForEvent",
	[EMU_BS_signal_event] = "SignalEvent",
	[EMU_BS_close_event] = "CloseEvent",
	[EMU_BS_check_event] = "CheckEvent",
	[EMU_BS_install_protocol_interface] = "InstallProtocolInterface",
	[EMU_BS_reinstall_protocol_interface] = "ReinstallProtocolInterface",
	[EMU_BS_uninstall_protocol_interface] = "UninstallProtocolInterface",
	[EMU_BS_handle_protocol] = "HandleProtocol",
	[EMU_BS_reserved] = "Reserved",
	[EMU_BS_register_protocol_notify] = "RegisterProtocolNotify",
	[EMU_BS_locate_handle] = "LocateHandle",
	[EMU_BS_locate_device_path] = "LocateDevicePath",
	[EMU_BS_install_configuration_table] = "InstallConfigurationTable",
	[EMU_BS_load_image] = "LoadImage",
	[EMU_BS_start_image] = "StartImage",
	[EMU_BS_exit] = "Exit",
	[EMU_BS_unload_image] = "UnloadImage",
	[EMU_BS_exit_boot_services] = "ExitBootServices",
	[EMU_BS_get_next_monotonic_count] = "GetNextMonotonicCount",
	[EMU_BS_stall] = "Stall",
	[EMU_BS_set_watchdog_timer] = "SetWatchdogTimer",
	[EMU_BS_connect_controller] = "ConnectController",
	[EMU_BS_disconnect_controller] = "DisconnectController",
	[EMU_BS_open_protocol] = "OpenProtocol",
	[EMU_BS_close_protocol] = "CloseProtocol",
	[EMU_BS_open_protocol_information] = "OpenProtocolInformation",
	[EMU_BS_protocols_per_handle] = "ProtocolsPerHandle",
	[EMU_BS_locate_handle_buffer] = "LocateHandleBuffer",
	[EMU_BS_locate_protocol] = "LocateProtocol",
	[EMU_BS_install_multiple_protocol_interfaces] = "InstallMultipleProtocolInterfaces",
	[EMU_BS_uninstall_multiple_protocol_interfaces] = "UninstallMultipleProtocolInterfaces",
	[EMU_BS_calculate_crc32] = "CalculateCrc32",
	[EMU_BS_copy_mem] = "CopyMem",
	[EMU_BS_set_mem] = "SetMem",
	[EMU_BS_create_event_ex] = "CreateEventEx",
};

const char *emu_bs_name(enum emu_bs_id id)
{
	return id < EMU_BS_COUNT ? bs_names[id] : "?";
}

/* What the emulator cannot do: said once a service, UEFI's answer given. */
static efi_status_t unsupported(enum emu_bs_id id)
{
	if (!(emu->unsupported_logged & (1ULL << id))) {
		emu->unsupported_logged |= 1ULL << id;
		emu_printf("efi-emu: %s() is not supported\n", bs_names[id]);
	}
	return EFI_UNSUPPORTED;
}

/* Implements RaiseTPL() (UEFI 2.10, 7.1); no interrupts exist here. */
static unsigned long raise_tpl(unsigned long new_tpl)
{
	unsigned long old = emu->tpl;

	emu->tpl = new_tpl;
	return old;
}

/* Implements RestoreTPL() (UEFI 2.10, 7.1). */
static void restore_tpl(unsigned long old_tpl)
{
	emu->tpl = old_tpl;
}

/* Allocations are executable only for the code types (memattr.c). */
static efi_status_t allocate_pages(int type, int mem_type, unsigned long pages,
				   u64 *addr)
{
	efi_status_t status;

	status = emu_allocate_pages(&emu->mem, type, mem_type, pages, addr);
	if (status == EFI_SUCCESS)
		emu_protect_allocation(*addr, emu_mem_round(&emu->mem,
							    mem_type, pages),
				       mem_type);
	return status;
}

static efi_status_t free_pages(u64 addr, unsigned long pages)
{
	u32 type = emu_mem_type_at(&emu->mem, addr);
	efi_status_t status;

	status = emu_free_pages(&emu->mem, addr, pages);
	if (status == EFI_SUCCESS)
		emu_protect_allocation(addr, emu_mem_round(&emu->mem, type,
							   pages),
				       EFI_CONVENTIONAL_MEMORY);
	return status;
}

static efi_status_t get_memory_map(unsigned long *size, efi_memory_desc_t *map,
				   unsigned long *key, unsigned long *desc_size,
				   u32 *desc_version)
{
	return emu_get_memory_map(&emu->mem, size, map, key, desc_size,
				  desc_version);
}

static efi_status_t allocate_pool(int mem_type, unsigned long size, void **buf)
{
	efi_status_t status;
	u64 base, pages;

	status = emu_allocate_pool(&emu->mem, mem_type, size, buf);
	if (status == EFI_SUCCESS &&
	    emu_pool_pages(&emu->mem, *buf, &base, &pages))
		emu_protect_allocation(base, pages, mem_type);
	return status;
}

static efi_status_t free_pool(void *buf)
{
	u64 base, pages;
	bool known;

	known = emu_pool_pages(&emu->mem, buf, &base, &pages);
	if (emu_free_pool(&emu->mem, buf) != EFI_SUCCESS)
		return EFI_INVALID_PARAMETER;
	if (known)
		emu_protect_allocation(base, pages, EFI_CONVENTIONAL_MEMORY);
	return EFI_SUCCESS;
}

static struct emu_event *get_event(efi_event_t ev)
{
	struct emu_event *p;

	for (p = emu->events; p; p = p->next)
		if (p == ev && p->magic == EVENT_MAGIC)
			return p;
	return NULL;
}

static efi_status_t new_event(u32 type, efi_event_notify_t notify, void *ctx,
			      bool ebs, efi_event_t *event)
{
	struct emu_event *ev;
	efi_status_t status;

	if (!event)
		return EFI_INVALID_PARAMETER;
	if ((type & (EFI_EVT_NOTIFY_SIGNAL | EFI_EVT_NOTIFY_WAIT)) && !notify)
		return EFI_INVALID_PARAMETER;
	if ((type & EFI_EVT_NOTIFY_SIGNAL) && (type & EFI_EVT_NOTIFY_WAIT))
		return EFI_INVALID_PARAMETER;
	status = emu_allocate_pool(&emu->mem, EFI_BOOT_SERVICES_DATA,
				   sizeof(*ev), (void **)&ev);
	if (status != EFI_SUCCESS)
		return status;
	*ev = (struct emu_event){
		.magic = EVENT_MAGIC,
		.next = emu->events,
		.type = type,
		.notify = notify,
		.ctx = ctx,
		.exit_boot_services = ebs,
	};
	emu->events = ev;
	*event = ev;
	return EFI_SUCCESS;
}

/**
 * emu_create_event() - an event of the emulator's own, e.g. WaitForKey
 * @type:	EFI_EVT_* type
 * @notify:	notification function, for the notify types
 * @ctx:	its context
 * @event:	out: the event
 *
 * Return: what CreateEvent() returns for the same arguments.
 */
efi_status_t emu_create_event(u32 type, efi_event_notify_t notify, void *ctx,
			      efi_event_t *event)
{
	return new_event(type, notify, ctx, false, event);
}

/* Implements CreateEvent() (UEFI 2.10, 7.1). */
static efi_status_t create_event(u32 type, unsigned long tpl,
				 efi_event_notify_t notify, void *ctx,
				 efi_event_t *event)
{
	return new_event(type, notify, ctx,
			 type == EFI_EVT_SIGNAL_EXIT_BOOT_SERVICES, event);
}

/* Implements CreateEventEx() (UEFI 2.10, 7.1). */
static efi_status_t create_event_ex(u32 type, unsigned long tpl,
				    efi_event_notify_t notify, const void *ctx,
				    const efi_guid_t *group, efi_event_t *event)
{
	static const efi_guid_t ebs_group = EFI_GUID(0x27abf055, 0xb1b8, 0x4c26,
						     0x80, 0x48, 0x74, 0x8f,
						     0x37, 0xba, 0xa2, 0xdf);

	/* The group replaces the legacy type; both at once are refused. */
	if (!group)
		return new_event(type, notify, (void *)ctx,
				 type == EFI_EVT_SIGNAL_EXIT_BOOT_SERVICES,
				 event);
	if (type == EFI_EVT_SIGNAL_EXIT_BOOT_SERVICES)
		return EFI_INVALID_PARAMETER;
	return new_event(type, notify, (void *)ctx,
			 emu_guid_eq(group, &ebs_group), event);
}

static void signal_one(struct emu_event *ev)
{
	ev->signaled = true;
	if (ev->type & EFI_EVT_NOTIFY_SIGNAL)
		ev->notify(ev, ev->ctx);
}

/* Implements SignalEvent() (UEFI 2.10, 7.1). */
static efi_status_t signal_event(efi_event_t event)
{
	struct emu_event *ev = get_event(event);

	if (!ev)
		return EFI_INVALID_PARAMETER;
	signal_one(ev);
	return EFI_SUCCESS;
}

/* Implements CheckEvent() (UEFI 2.10, 7.1). */
static efi_status_t check_event(efi_event_t event)
{
	struct emu_event *ev = get_event(event);

	if (!ev || ev->type & EFI_EVT_NOTIFY_SIGNAL)
		return EFI_INVALID_PARAMETER;
	if (!ev->signaled)
		return EFI_NOT_READY;
	ev->signaled = false;
	return EFI_SUCCESS;
}

/*
 * Implements WaitForEvent() (UEFI 2.10, 7.1) for events already signalled.
 * There are no timers or input devices to wake a waiter, so waiting on
 * nothing signalled would hang forever; that is refused instead.
 */
static efi_status_t wait_for_event(unsigned long n, efi_event_t *events,
				   unsigned long *index)
{
	struct emu_event *ev;
	unsigned long i;

	if (!n || !events || !index)
		return EFI_INVALID_PARAMETER;
	for (i = 0; i < n; i++) {
		ev = get_event(events[i]);
		if (!ev || ev->type & EFI_EVT_NOTIFY_SIGNAL)
			return EFI_INVALID_PARAMETER;
		if (ev->signaled) {
			ev->signaled = false;
			*index = i;
			return EFI_SUCCESS;
		}
	}
	return unsupported(EMU_BS_wait_for_event);
}

/* Implements CloseEvent() (UEFI 2.10, 7.1). */
static efi_status_t close_event(efi_event_t event)
{
	struct emu_event *ev = get_event(event), **pp;

	if (!ev)
		return EFI_INVALID_PARAMETER;
	for (pp = &emu->events; *pp != ev; pp = &(*pp)->next)
		;
	*pp = ev->next;
	ev->magic = 0;
	return emu_free_pool(&emu->mem, ev);
}

/* SetTimer(): cancelling is all that can be done without a timer. */
static efi_status_t set_timer(efi_event_t event, int type, u64 trigger)
{
	if (type == 0 && get_event(event))
		return EFI_SUCCESS;
	return unsupported(EMU_BS_set_timer);
}

/*
 * Implements ExitBootServices() (UEFI 2.10, 7.4).  A stale map key means
 * the caller's memory map is out of date: refuse, so it fetches the map
 * again, as firmware does.  On success the exit-boot-services events run,
 * the system table loses its boot-time pointers, and the platform takes
 * over (on the kexec path: nothing; the payload owns the machine).
 */
static efi_status_t exit_boot_services(efi_handle_t image, unsigned long key)
{
	struct emu_event *ev;

	if (key != emu->mem.key)
		return EFI_INVALID_PARAMETER;
	emu_memattr_report();
	for (ev = emu->events; ev; ev = ev->next)
		if (ev->exit_boot_services)
			signal_one(ev);
	emu->boot_services_exited = true;
	emu->systab->con_in_handle = NULL;
	emu->systab->con_in = NULL;
	emu->systab->con_out_handle = NULL;
	emu->systab->con_out = NULL;
	emu->systab->stderr_handle = NULL;
	emu->systab->stderr = NULL;
	emu->systab->boottime = NULL;
	emu_systab_update_crc();
	emu_systab_exit_boot_services();
	if (emu->ops->exit_boot_services)
		emu->ops->exit_boot_services();
	return EFI_SUCCESS;
}

/* Implements GetNextMonotonicCount() (UEFI 2.10, 7.5). */
static efi_status_t get_next_monotonic_count(u64 *count)
{
	if (!count)
		return EFI_INVALID_PARAMETER;
	*count = ++emu->monotonic;
	return EFI_SUCCESS;
}

/* Implements Stall() (UEFI 2.10, 7.5) with the platform's delay. */
static efi_status_t stall(unsigned long us)
{
	if (emu->ops->delay_us)
		emu->ops->delay_us(us);
	return EFI_SUCCESS;
}

/* SetWatchdogTimer(): there is no watchdog to arm or disarm. */
static efi_status_t set_watchdog_timer(unsigned long timeout, u64 code,
				       unsigned long size, efi_char16_t *data)
{
	return EFI_SUCCESS;
}

/* Implements CalculateCrc32() (UEFI 2.10, 7.5). */
static efi_status_t calculate_crc32(const void *data, unsigned long size,
				    u32 *crc)
{
	if (!data || !size || !crc)
		return EFI_INVALID_PARAMETER;
	*crc = emu_crc32(0, data, size);
	return EFI_SUCCESS;
}

static void copy_mem(void *dst, const void *src, unsigned long n)
{
	memmove(dst, src, n);
}

static void set_mem(void *dst, unsigned long n, u8 value)
{
	memset(dst, value, n);
}

static efi_status_t register_protocol_notify(efi_guid_t *guid,
					     efi_event_t event,
					     void **registration)
{
	return unsupported(EMU_BS_register_protocol_notify);
}

static efi_status_t connect_controller(efi_handle_t controller,
				       efi_handle_t *driver,
				       struct efi_device_path *path,
				       bool recursive)
{
	return unsupported(EMU_BS_connect_controller);
}

static efi_status_t disconnect_controller(efi_handle_t controller,
					  efi_handle_t driver,
					  efi_handle_t child)
{
	return unsupported(EMU_BS_disconnect_controller);
}

/*
 * The table layer, as U-Boot's EFI_ENTRY(): each slot of the table is an
 * entry that counts the call and refuses it once boot services are gone
 * (UEFI 2.10, 7.4: the map the OS took is final, nothing may be allocated,
 * freed or installed any more), then calls the implementation.  The
 * emulator calls the implementations directly, so its own calls are
 * neither counted nor refused, and only what a payload asked for is in
 * the trace.
 */
static void bs_count(enum emu_bs_id id)
{
	emu->calls[id]++;
}

static bool bs_refused(enum emu_bs_id id)
{
	bs_count(id);
	if (!emu->boot_services_exited)
		return false;
	if (!(emu->after_exit_logged & (1ULL << id))) {
		emu->after_exit_logged |= 1ULL << id;
		emu_printf("efi-emu: %s() called after ExitBootServices()\n",
			   bs_names[id]);
	}
	return true;
}

/* A lookup by GUID: anything but "not there" means it was found. */
static efi_status_t bs_traced(const efi_guid_t *guid, efi_status_t status)
{
	bool found = status != EFI_NOT_FOUND && status != EFI_UNSUPPORTED;

	if (guid && status != EFI_INVALID_PARAMETER)
		emu_trace_guid(guid, found);
	return status;
}

/* bs_<name>(): the entry of boot service <name>, implemented by @impl. */
#define BS_ENTRY(name, impl, params, args)				\
static efi_status_t __efiapi bs_##name params					\
{									\
	if (bs_refused(EMU_BS_##name))					\
		return EFI_UNSUPPORTED;					\
	return impl args;						\
}

/* The same for a lookup of protocol @guid, which the trace records. */
#define BS_LOOKUP(name, impl, guid, params, args)			\
static efi_status_t __efiapi bs_##name params					\
{									\
	if (bs_refused(EMU_BS_##name))					\
		return EFI_UNSUPPORTED;					\
	return bs_traced(guid, impl args);				\
}

/* Services that return no status: counted, never refused. */
static unsigned long __efiapi bs_raise_tpl(unsigned long new_tpl)
{
	bs_count(EMU_BS_raise_tpl);
	return raise_tpl(new_tpl);
}

static void __efiapi bs_restore_tpl(unsigned long old_tpl)
{
	bs_count(EMU_BS_restore_tpl);
	restore_tpl(old_tpl);
}

static void __efiapi bs_copy_mem(void *dst, const void *src, unsigned long n)
{
	bs_count(EMU_BS_copy_mem);
	copy_mem(dst, src, n);
}

static void __efiapi bs_set_mem(void *dst, unsigned long n, u8 value)
{
	bs_count(EMU_BS_set_mem);
	set_mem(dst, n, value);
}

BS_ENTRY(allocate_pages, allocate_pages,
	 (int type, int mem_type, unsigned long pages, u64 *addr),
	 (type, mem_type, pages, addr))
BS_ENTRY(free_pages, free_pages, (u64 addr, unsigned long pages),
	 (addr, pages))
BS_ENTRY(get_memory_map, get_memory_map,
	 (unsigned long *size, efi_memory_desc_t *map, unsigned long *key,
	  unsigned long *desc_size, u32 *desc_version),
	 (size, map, key, desc_size, desc_version))
BS_ENTRY(allocate_pool, allocate_pool,
	 (int mem_type, unsigned long size, void **buf), (mem_type, size, buf))
BS_ENTRY(free_pool, free_pool, (void *buf), (buf))
BS_ENTRY(create_event, create_event,
	 (u32 type, unsigned long tpl, efi_event_notify_t notify, void *ctx,
	  efi_event_t *event),
	 (type, tpl, notify, ctx, event))
BS_ENTRY(set_timer, set_timer, (efi_event_t event, int type, u64 trigger),
	 (event, type, trigger))
BS_ENTRY(wait_for_event, wait_for_event,
	 (unsigned long n, efi_event_t *events, unsigned long *index),
	 (n, events, index))
BS_ENTRY(signal_event, signal_event, (efi_event_t event), (event))
BS_ENTRY(close_event, close_event, (efi_event_t event), (event))
BS_ENTRY(check_event, check_event, (efi_event_t event), (event))
BS_ENTRY(install_protocol_interface, emu_install_protocol_interface,
	 (efi_handle_t *handle, efi_guid_t *guid, int type, void *iface),
	 (handle, guid, type, iface))
BS_ENTRY(reinstall_protocol_interface, emu_reinstall_protocol_interface,
	 (efi_handle_t handle, efi_guid_t *guid, void *old_iface,
	  void *new_iface),
	 (handle, guid, old_iface, new_iface))
BS_ENTRY(uninstall_protocol_interface, emu_uninstall_protocol_interface,
	 (efi_handle_t handle, efi_guid_t *guid, void *iface),
	 (handle, guid, iface))
BS_LOOKUP(handle_protocol, emu_handle_protocol, guid,
	  (efi_handle_t handle, efi_guid_t *guid, void **iface),
	  (handle, guid, iface))
BS_ENTRY(register_protocol_notify, register_protocol_notify,
	 (efi_guid_t *guid, efi_event_t event, void **registration),
	 (guid, event, registration))
BS_LOOKUP(locate_handle, emu_locate_handle, guid,
	  (int search, efi_guid_t *guid, void *key, unsigned long *size,
	   efi_handle_t *buffer),
	  (search, guid, key, size, buffer))
BS_LOOKUP(locate_device_path, emu_locate_device_path, guid,
	  (efi_guid_t *guid, struct efi_device_path **path,
	   efi_handle_t *device),
	  (guid, path, device))
BS_ENTRY(install_configuration_table, emu_install_configuration_table,
	 (efi_guid_t *guid, void *table), (guid, table))
BS_ENTRY(load_image, emu_load_image,
	 (bool boot_policy, efi_handle_t parent, struct efi_device_path *path,
	  void *src, unsigned long size, efi_handle_t *image),
	 (boot_policy, parent, path, src, size, image))
BS_ENTRY(start_image, emu_start_image,
	 (efi_handle_t image, unsigned long *exit_data_size,
	  efi_char16_t **exit_data),
	 (image, exit_data_size, exit_data))
BS_ENTRY(exit, emu_exit,
	 (efi_handle_t image, efi_status_t status,
	  unsigned long exit_data_size, efi_char16_t *exit_data),
	 (image, status, exit_data_size, exit_data))
BS_ENTRY(unload_image, emu_unload_image, (efi_handle_t image), (image))
BS_ENTRY(exit_boot_services, exit_boot_services,
	 (efi_handle_t image, unsigned long key), (image, key))
BS_ENTRY(get_next_monotonic_count, get_next_monotonic_count, (u64 *count),
	 (count))
BS_ENTRY(stall, stall, (unsigned long us), (us))
BS_ENTRY(set_watchdog_timer, set_watchdog_timer,
	 (unsigned long timeout, u64 code, unsigned long size,
	  efi_char16_t *data),
	 (timeout, code, size, data))
BS_ENTRY(connect_controller, connect_controller,
	 (efi_handle_t controller, efi_handle_t *driver,
	  struct efi_device_path *path, bool recursive),
	 (controller, driver, path, recursive))
BS_ENTRY(disconnect_controller, disconnect_controller,
	 (efi_handle_t controller, efi_handle_t driver, efi_handle_t child),
	 (controller, driver, child))
BS_LOOKUP(open_protocol, emu_open_protocol, guid,
	  (efi_handle_t handle, efi_guid_t *guid, void **iface,
	   efi_handle_t agent, efi_handle_t controller, u32 attrs),
	  (handle, guid, iface, agent, controller, attrs))
BS_ENTRY(close_protocol, emu_close_protocol,
	 (efi_handle_t handle, efi_guid_t *guid, efi_handle_t agent,
	  efi_handle_t controller),
	 (handle, guid, agent, controller))
BS_ENTRY(open_protocol_information, emu_open_protocol_information,
	 (efi_handle_t handle, efi_guid_t *guid,
	  struct efi_open_protocol_information_entry **entries,
	  unsigned long *count),
	 (handle, guid, entries, count))
BS_ENTRY(protocols_per_handle, emu_protocols_per_handle,
	 (efi_handle_t handle, efi_guid_t ***guids, unsigned long *count),
	 (handle, guids, count))
BS_LOOKUP(locate_handle_buffer, emu_locate_handle_buffer, guid,
	  (int search, efi_guid_t *guid, void *key, unsigned long *count,
	   efi_handle_t **buffer),
	  (search, guid, key, count, buffer))
BS_LOOKUP(locate_protocol, emu_locate_protocol, guid,
	  (efi_guid_t *guid, void *registration, void **iface),
	  (guid, registration, iface))
BS_ENTRY(calculate_crc32, calculate_crc32,
	 (const void *data, unsigned long size, u32 *crc), (data, size, crc))
BS_ENTRY(create_event_ex, create_event_ex,
	 (u32 type, unsigned long tpl, efi_event_notify_t notify,
	  const void *ctx, const efi_guid_t *group, efi_event_t *event),
	 (type, tpl, notify, ctx, group, event))

static efi_status_t __efiapi
bs_install_multiple_protocol_interfaces(efi_handle_t *handle, ...)
{
	efi_status_t status;
	efi_va_list args;

	if (bs_refused(EMU_BS_install_multiple_protocol_interfaces))
		return EFI_UNSUPPORTED;
	efi_va_start(args, handle);
	status = emu_install_multiple_protocol_interfaces(handle, args);
	efi_va_end(args);
	return status;
}

static efi_status_t __efiapi
bs_uninstall_multiple_protocol_interfaces(efi_handle_t handle, ...)
{
	efi_status_t status;
	efi_va_list args;

	if (bs_refused(EMU_BS_uninstall_multiple_protocol_interfaces))
		return EFI_UNSUPPORTED;
	efi_va_start(args, handle);
	status = emu_uninstall_multiple_protocol_interfaces(handle, args);
	efi_va_end(args);
	return status;
}

/**
 * emu_boottime_init() - fill in the boot services table
 */
void emu_boottime_init(void)
{
	emu->bs = (efi_boot_services_t){
		.hdr = {
			.signature = EFI_BOOT_SERVICES_SIGNATURE,
			.revision = EFI_2_100_SYSTEM_TABLE_REVISION,
			.headersize = sizeof(efi_boot_services_t),
		},
		.raise_tpl = bs_raise_tpl,
		.restore_tpl = bs_restore_tpl,
		.allocate_pages = bs_allocate_pages,
		.free_pages = bs_free_pages,
		.get_memory_map = bs_get_memory_map,
		.allocate_pool = bs_allocate_pool,
		.free_pool = bs_free_pool,
		.create_event = bs_create_event,
		.set_timer = bs_set_timer,
		.wait_for_event = bs_wait_for_event,
		.signal_event = bs_signal_event,
		.close_event = bs_close_event,
		.check_event = bs_check_event,
		.install_protocol_interface = bs_install_protocol_interface,
		.reinstall_protocol_interface = bs_reinstall_protocol_interface,
		.uninstall_protocol_interface = bs_uninstall_protocol_interface,
		.handle_protocol = bs_handle_protocol,
		.reserved = NULL,
		.register_protocol_notify = bs_register_protocol_notify,
		.locate_handle = bs_locate_handle,
		.locate_device_path = bs_locate_device_path,
		.install_configuration_table = bs_install_configuration_table,
		.load_image = bs_load_image,
		.start_image = bs_start_image,
		.exit = bs_exit,
		.unload_image = bs_unload_image,
		.exit_boot_services = bs_exit_boot_services,
		.get_next_monotonic_count = bs_get_next_monotonic_count,
		.stall = bs_stall,
		.set_watchdog_timer = bs_set_watchdog_timer,
		.connect_controller = bs_connect_controller,
		.disconnect_controller = bs_disconnect_controller,
		.open_protocol = bs_open_protocol,
		.close_protocol = bs_close_protocol,
		.open_protocol_information = bs_open_protocol_information,
		.protocols_per_handle = bs_protocols_per_handle,
		.locate_handle_buffer = bs_locate_handle_buffer,
		.locate_protocol = bs_locate_protocol,
		.install_multiple_protocol_interfaces = bs_install_multiple_protocol_interfaces,
		.uninstall_multiple_protocol_interfaces = bs_uninstall_multiple_protocol_interfaces,
		.calculate_crc32 = bs_calculate_crc32,
		.copy_mem = bs_copy_mem,
		.set_mem = bs_set_mem,
		.create_event_ex = bs_create_event_ex,
	};
}
