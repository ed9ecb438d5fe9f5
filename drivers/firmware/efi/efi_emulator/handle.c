// SPDX-License-Identifier: GPL-2.0
/*
 * The handle and protocol database: InstallProtocolInterface() and its
 * relatives, HandleProtocol()/OpenProtocol(), the Locate*() services and
 * device path matching for LocateDevicePath().
 *
 * Handles live in pool memory on one list in creation order, which is the
 * order LocateHandle() reports.  A handle value from a payload is only
 * ever compared against that list, never dereferenced first, so a stale
 * or wild handle gets EFI_INVALID_PARAMETER.
 *
 * OpenProtocol() keeps EDK2's records (CoreOpenProtocol()): a second
 * BY_DRIVER open by the same agent is EFI_ALREADY_STARTED, one by another
 * agent or after an EXCLUSIVE open EFI_ACCESS_DENIED; CloseProtocol()
 * drops an agent's records and OpenProtocolInformation() lists them.  No
 * driver model exists here (ConnectController() and DisconnectController()
 * are EFI_UNSUPPORTED), so where EDK2 would stop the BY_DRIVER users of a
 * protocol (an EXCLUSIVE open, uninstalling or reinstalling it) the
 * answer is always EFI_ACCESS_DENIED.  An image's records go with it.
 */
#include "emulator.h"

#define HANDLE_MAGIC 0x454c444e48554d45ULL /* "EMUHNDLE" */

struct emu_handle *emu_handle_get(efi_handle_t h)
{
	struct emu_handle *p;

	for (p = emu->handles; p; p = p->next)
		if (p == h)
			return p->magic == HANDLE_MAGIC ? p : NULL;
	return NULL;
}

static struct emu_protocol *find_proto(struct emu_handle *h,
				       const efi_guid_t *guid)
{
	u32 i;

	for (i = 0; i < h->nr; i++)
		if (emu_guid_eq(&h->proto[i].guid, guid))
			return &h->proto[i];
	return NULL;
}

/**
 * emu_handle_proto() - a protocol entry of a handle, with its owner
 * @h:		the handle
 * @guid:	the protocol
 *
 * Return: the entry, or NULL.
 */
struct emu_protocol *emu_handle_proto(struct emu_handle *h,
				      const efi_guid_t *guid)
{
	return h ? find_proto(h, guid) : NULL;
}

/**
 * emu_search_protocol() - the interface of a protocol on a handle
 * @h:		the handle
 * @guid:	the protocol
 *
 * U-Boot's efi_search_protocol(): the emulator's own lookup, which the
 * trace of what a payload asked for does not see.
 *
 * Return: the interface, or NULL if @h does not carry the protocol.
 */
void *emu_search_protocol(struct emu_handle *h, const efi_guid_t *guid)
{
	struct emu_protocol *p = find_proto(h, guid);

	return p ? p->iface : NULL;
}

/**
 * emu_trace_guid() - note that a payload asked for a protocol
 * @guid:	the protocol
 * @found:	whether it was there
 */
void emu_trace_guid(const efi_guid_t *guid, bool found)
{
	struct emu_guid_trace *t;
	u32 i;

	for (i = 0; i < EMU_MAX_TRACED_GUIDS; i++) {
		t = &emu->guids[i];
		if (!t->asked || emu_guid_eq(&t->guid, guid))
			break;
	}
	if (i == EMU_MAX_TRACED_GUIDS)
		return;
	t->guid = *guid;
	t->asked++;
	t->found += found;
}

/**
 * emu_install_protocol() - add a protocol to a handle, creating the handle
 * @handle:	in: handle or NULL for a new one; out: the handle
 * @guid:	protocol GUID
 * @iface:	protocol interface
 *
 * Return: EFI_SUCCESS; EFI_INVALID_PARAMETER for an unknown handle or a
 * protocol the handle already has; EFI_OUT_OF_RESOURCES.
 */
efi_status_t emu_install_protocol(efi_handle_t *handle, const efi_guid_t *guid,
				  void *iface)
{
	struct emu_handle *h, **tail;
	efi_status_t status;

	if (!handle || !guid)
		return EFI_INVALID_PARAMETER;
	if (*handle) {
		h = emu_handle_get(*handle);
		if (!h || find_proto(h, guid))
			return EFI_INVALID_PARAMETER;
		if (h->nr == EMU_MAX_PROTOCOLS)
			return EFI_OUT_OF_RESOURCES;
	} else {
		status = emu_allocate_pool(&emu->mem, EFI_BOOT_SERVICES_DATA,
					   sizeof(*h), (void **)&h);
		if (status != EFI_SUCCESS)
			return status;
		memset(h, 0, sizeof(*h));
		h->magic = HANDLE_MAGIC;
		for (tail = &emu->handles; *tail; tail = &(*tail)->next)
			;
		*tail = h;
		*handle = h;
	}
	h->proto[h->nr].guid = *guid;
	h->proto[h->nr].iface = iface;
	h->proto[h->nr].owner = emu->running;
	h->nr++;
	return EFI_SUCCESS;
}

/* Opened by a driver: only DisconnectController() could take it away. */
static bool driver_open(const struct emu_protocol *p)
{
	u32 i;

	for (i = 0; i < p->nr_opens; i++)
		if (p->opens[i].attributes & (EFI_OPEN_PROTOCOL_BY_DRIVER |
					      EFI_OPEN_PROTOCOL_EXCLUSIVE))
			return true;
	return false;
}

static void drop_open(struct emu_protocol *p, u32 i)
{
	for (p->nr_opens--; i < p->nr_opens; i++)
		p->opens[i] = p->opens[i + 1];
}

/**
 * emu_remove_protocol() - remove a protocol, open or not
 * @handle:	the handle
 * @guid:	protocol GUID
 *
 * For the emulator's own clean-up (an image it frees): its records go
 * with it.  A handle left empty goes too.
 */
void emu_remove_protocol(efi_handle_t handle, const efi_guid_t *guid)
{
	struct emu_handle *h = emu_handle_get(handle), **pp;
	struct emu_protocol *p;

	p = h ? find_proto(h, guid) : NULL;
	if (!p)
		return;
	*p = h->proto[--h->nr];
	if (h->nr)
		return;
	for (pp = &emu->handles; *pp != h; pp = &(*pp)->next)
		;
	*pp = h->next;
	h->magic = 0;
	emu_free_pool(&emu->mem, h);
}

/**
 * emu_uninstall_protocol() - remove a protocol; a handle left empty goes
 * @handle:	the handle
 * @guid:	protocol GUID
 * @iface:	the interface installed for @guid
 *
 * Return: EFI_SUCCESS, EFI_INVALID_PARAMETER, EFI_NOT_FOUND when the
 * handle has no such protocol with that interface, or EFI_ACCESS_DENIED
 * when it is open BY_DRIVER or EXCLUSIVE.
 */
efi_status_t emu_uninstall_protocol(efi_handle_t handle, const efi_guid_t *guid,
				    void *iface)
{
	struct emu_handle *h = emu_handle_get(handle);
	struct emu_protocol *p;

	if (!h || !guid)
		return EFI_INVALID_PARAMETER;
	p = find_proto(h, guid);
	if (!p || p->iface != iface)
		return EFI_NOT_FOUND;
	if (driver_open(p))
		return EFI_ACCESS_DENIED;
	emu_remove_protocol(handle, guid);
	return EFI_SUCCESS;
}

/**
 * emu_close_opens_of() - drop every open record an image's handle made
 * @agent:	the image handle, as agent or controller
 *
 * What EDK2 does when it unloads an image.
 */
void emu_close_opens_of(efi_handle_t agent)
{
	struct emu_handle *h;
	struct emu_protocol *p;
	u32 i, j;

	for (h = emu->handles; h; h = h->next) {
		for (i = 0; i < h->nr; i++) {
			p = &h->proto[i];
			for (j = 0; j < p->nr_opens;) {
				if (p->opens[j].agent_handle == agent ||
				    p->opens[j].controller_handle == agent)
					drop_open(p, j);
				else
					j++;
			}
		}
	}
}

/* Implements InstallProtocolInterface() (UEFI 2.10, 7.3). */
efi_status_t emu_install_protocol_interface(efi_handle_t *handle,
					    efi_guid_t *guid, int type,
					    void *iface)
{
	if (type != EFI_NATIVE_INTERFACE)
		return EFI_INVALID_PARAMETER;
	return emu_install_protocol(handle, guid, iface);
}

/* Implements ReinstallProtocolInterface() (UEFI 2.10, 7.3). */
efi_status_t emu_reinstall_protocol_interface(efi_handle_t handle,
					      efi_guid_t *guid, void *old_iface,
					      void *new_iface)
{
	struct emu_handle *h = emu_handle_get(handle);
	struct emu_protocol *p;

	if (!h || !guid)
		return EFI_INVALID_PARAMETER;
	p = find_proto(h, guid);
	if (!p || p->iface != old_iface)
		return EFI_NOT_FOUND;
	if (driver_open(p))
		return EFI_ACCESS_DENIED;
	p->iface = new_iface;
	return EFI_SUCCESS;
}

/* Implements UninstallProtocolInterface() (UEFI 2.10, 7.3). */
efi_status_t emu_uninstall_protocol_interface(efi_handle_t handle,
					      efi_guid_t *guid, void *iface)
{
	return emu_uninstall_protocol(handle, guid, iface);
}

/* The rules of EDK2's CoreOpenProtocol() once the protocol is found. */
static efi_status_t open_record(struct emu_protocol *p, efi_handle_t agent,
				efi_handle_t controller, u32 attrs)
{
	struct efi_open_protocol_information_entry *o;
	bool by_driver = false, exclusive = false, same;
	u32 i;

	for (i = 0; i < p->nr_opens; i++) {
		o = &p->opens[i];
		same = o->agent_handle == agent &&
		       o->controller_handle == controller &&
		       o->attributes == attrs;
		if (o->attributes & EFI_OPEN_PROTOCOL_BY_DRIVER) {
			by_driver = true;
			if (same)
				return EFI_ALREADY_STARTED;
		}
		if (o->attributes & EFI_OPEN_PROTOCOL_EXCLUSIVE) {
			exclusive = true;
		} else if (same) {
			if (o->open_count != ~0U)
				o->open_count++;
			return EFI_SUCCESS;
		}
	}
	switch (attrs) {
	case EFI_OPEN_PROTOCOL_BY_CHILD_CONTROLLER:
		if (exclusive)
			return EFI_ACCESS_DENIED;
		break;
	case EFI_OPEN_PROTOCOL_BY_DRIVER:
	case EFI_OPEN_PROTOCOL_EXCLUSIVE:
	case EFI_OPEN_PROTOCOL_BY_DRIVER | EFI_OPEN_PROTOCOL_EXCLUSIVE:
		/* EDK2 would try to stop the BY_DRIVER users: none can be. */
		if (exclusive || by_driver)
			return EFI_ACCESS_DENIED;
		break;
	case EFI_OPEN_PROTOCOL_TEST_PROTOCOL:
		return EFI_SUCCESS;
	}
	if (p->nr_opens == EMU_MAX_OPENS)
		return attrs == EFI_OPEN_PROTOCOL_BY_HANDLE_PROTOCOL ||
		       attrs == EFI_OPEN_PROTOCOL_GET_PROTOCOL ?
		       EFI_SUCCESS : EFI_OUT_OF_RESOURCES;
	o = &p->opens[p->nr_opens++];
	o->agent_handle = agent;
	o->controller_handle = controller;
	o->attributes = attrs;
	o->open_count = 1;
	return EFI_SUCCESS;
}

static efi_status_t open_proto(efi_handle_t handle, efi_guid_t *guid,
			       void **iface, efi_handle_t agent,
			       efi_handle_t controller, u32 attrs)
{
	struct emu_handle *h = emu_handle_get(handle);
	struct emu_protocol *p;
	efi_status_t status;

	if (!guid || !h)
		return EFI_INVALID_PARAMETER;
	if (!iface && attrs != EFI_OPEN_PROTOCOL_TEST_PROTOCOL)
		return EFI_INVALID_PARAMETER;
	p = find_proto(h, guid);
	status = p ? open_record(p, agent, controller, attrs) : EFI_UNSUPPORTED;
	if (attrs != EFI_OPEN_PROTOCOL_TEST_PROTOCOL)
		*iface = status == EFI_SUCCESS ||
			 status == EFI_ALREADY_STARTED ? p->iface : NULL;
	return status;
}

/*
 * Implements HandleProtocol() (UEFI 2.10, 7.3): OpenProtocol() with
 * BY_HANDLE_PROTOCOL on behalf of the firmware (agent NULL here).
 */
efi_status_t emu_handle_protocol(efi_handle_t handle, efi_guid_t *guid,
				 void **iface)
{
	return open_proto(handle, guid, iface, NULL, NULL,
			  EFI_OPEN_PROTOCOL_BY_HANDLE_PROTOCOL);
}

/* Implements OpenProtocol() (UEFI 2.10, 7.3), checks as EDK2's. */
efi_status_t emu_open_protocol(efi_handle_t handle, efi_guid_t *guid,
			       void **iface, efi_handle_t agent,
			       efi_handle_t controller, u32 attrs)
{
	bool agent_used = true, controller_used = true;

	switch (attrs) {
	case EFI_OPEN_PROTOCOL_BY_HANDLE_PROTOCOL:
	case EFI_OPEN_PROTOCOL_GET_PROTOCOL:
	case EFI_OPEN_PROTOCOL_TEST_PROTOCOL:
		agent_used = false;
		controller_used = false;
		break;
	case EFI_OPEN_PROTOCOL_BY_CHILD_CONTROLLER:
		if (handle == controller)
			return EFI_INVALID_PARAMETER;
		break;
	case EFI_OPEN_PROTOCOL_BY_DRIVER:
	case EFI_OPEN_PROTOCOL_BY_DRIVER | EFI_OPEN_PROTOCOL_EXCLUSIVE:
		break;
	case EFI_OPEN_PROTOCOL_EXCLUSIVE:
		controller_used = false;
		break;
	default:
		return EFI_INVALID_PARAMETER;
	}
	if ((agent_used && !emu_handle_get(agent)) ||
	    (controller_used && !emu_handle_get(controller)))
		return EFI_INVALID_PARAMETER;
	return open_proto(handle, guid, iface, agent, controller, attrs);
}

/* Implements CloseProtocol() (UEFI 2.10, 7.3). */
efi_status_t emu_close_protocol(efi_handle_t handle, efi_guid_t *guid,
				efi_handle_t agent, efi_handle_t controller)
{
	struct emu_handle *h = emu_handle_get(handle);
	struct emu_protocol *p;
	bool found = false;
	u32 i;

	if (!h || !guid || !emu_handle_get(agent) ||
	    (controller && !emu_handle_get(controller)))
		return EFI_INVALID_PARAMETER;
	p = find_proto(h, guid);
	if (!p)
		return EFI_NOT_FOUND;
	for (i = 0; i < p->nr_opens;) {
		if (p->opens[i].agent_handle == agent &&
		    p->opens[i].controller_handle == controller) {
			drop_open(p, i);
			found = true;
		} else {
			i++;
		}
	}
	return found ? EFI_SUCCESS : EFI_NOT_FOUND;
}

/* Implements OpenProtocolInformation() (UEFI 2.10, 7.3). */
efi_status_t
emu_open_protocol_information(efi_handle_t handle, efi_guid_t *guid,
			      struct efi_open_protocol_information_entry **entries,
			      unsigned long *count)
{
	struct emu_handle *h = emu_handle_get(handle);
	struct emu_protocol *p;
	efi_status_t status;

	if (!h || !guid || !entries || !count)
		return EFI_INVALID_PARAMETER;
	p = find_proto(h, guid);
	if (!p)
		return EFI_NOT_FOUND;
	status = emu_allocate_pool(&emu->mem, EFI_BOOT_SERVICES_DATA,
				   (p->nr_opens ?: 1) * sizeof(**entries),
				   (void **)entries);
	if (status != EFI_SUCCESS)
		return status;
	memcpy(*entries, p->opens, p->nr_opens * sizeof(**entries));
	*count = p->nr_opens;
	return EFI_SUCCESS;
}

/* Implements ProtocolsPerHandle() (UEFI 2.10, 7.3). */
efi_status_t emu_protocols_per_handle(efi_handle_t handle, efi_guid_t ***guids,
				      unsigned long *count)
{
	struct emu_handle *h = emu_handle_get(handle);
	efi_status_t status;
	u32 i;

	if (!h || !guids || !count)
		return EFI_INVALID_PARAMETER;
	status = emu_allocate_pool(&emu->mem, EFI_BOOT_SERVICES_DATA,
				   h->nr * sizeof(**guids), (void **)guids);
	if (status != EFI_SUCCESS)
		return status;
	for (i = 0; i < h->nr; i++)
		(*guids)[i] = &h->proto[i].guid;
	*count = h->nr;
	return EFI_SUCCESS;
}

static bool matches(struct emu_handle *h, int search, const efi_guid_t *guid)
{
	return search == EFI_ALL_HANDLES || find_proto(h, guid);
}

static efi_status_t check_search(int search, const efi_guid_t *guid)
{
	switch (search) {
	case EFI_ALL_HANDLES:
		return EFI_SUCCESS;
	case EFI_BY_PROTOCOL:
		return guid ? EFI_SUCCESS : EFI_INVALID_PARAMETER;
	case EFI_BY_REGISTER_NOTIFY:
		/* RegisterProtocolNotify() is not supported either. */
		return EFI_UNSUPPORTED;
	default:
		return EFI_INVALID_PARAMETER;
	}
}

/* LocateHandle() for both Locate*Handle*(). */
static efi_status_t find_handles(int search, efi_guid_t *guid,
				 unsigned long *size, efi_handle_t *buffer)
{
	struct emu_handle *h;
	unsigned long need = 0, i = 0;
	efi_status_t status;

	status = check_search(search, guid);
	if (status != EFI_SUCCESS)
		return status;
	if (!size)
		return EFI_INVALID_PARAMETER;
	for (h = emu->handles; h; h = h->next)
		need += matches(h, search, guid) * sizeof(efi_handle_t);
	if (!need)
		return EFI_NOT_FOUND;
	if (*size < need) {
		*size = need;
		return EFI_BUFFER_TOO_SMALL;
	}
	if (!buffer)
		return EFI_INVALID_PARAMETER;
	for (h = emu->handles; h; h = h->next)
		if (matches(h, search, guid))
			buffer[i++] = h;
	*size = need;
	return EFI_SUCCESS;
}

/* Implements LocateHandle() (UEFI 2.10, 7.3). */
efi_status_t emu_locate_handle(int search, efi_guid_t *guid, void *key,
			       unsigned long *size, efi_handle_t *buffer)
{
	return find_handles(search, guid, size, buffer);
}

/* Implements LocateHandleBuffer() (UEFI 2.10, 7.3). */
efi_status_t emu_locate_handle_buffer(int search, efi_guid_t *guid,
				      void *key, unsigned long *count,
				      efi_handle_t **buffer)
{
	unsigned long size = 0;
	efi_status_t status;

	if (!count || !buffer)
		return EFI_INVALID_PARAMETER;
	status = find_handles(search, guid, &size, NULL);
	if (status != EFI_BUFFER_TOO_SMALL)
		return status;
	status = emu_allocate_pool(&emu->mem, EFI_BOOT_SERVICES_DATA, size,
				   (void **)buffer);
	if (status != EFI_SUCCESS)
		return status;
	status = find_handles(search, guid, &size, *buffer);
	*count = size / sizeof(efi_handle_t);
	return status;
}

/* Implements LocateProtocol() (UEFI 2.10, 7.3). */
efi_status_t emu_locate_protocol(efi_guid_t *guid, void *registration,
				 void **iface)
{
	struct emu_handle *h;
	void *p;

	if (!guid || !iface)
		return EFI_INVALID_PARAMETER;
	for (h = emu->handles; h; h = h->next) {
		p = emu_search_protocol(h, guid);
		if (p) {
			*iface = p;
			return EFI_SUCCESS;
		}
	}
	*iface = NULL;
	return EFI_NOT_FOUND;
}

/**
 * emu_device_path_size() - size of a device path including its end node
 * @dp:		the path
 * @max:	bytes the path may occupy at most
 *
 * Return: the size, or 0 if a node is shorter than its header or the path
 * runs past @max without an end node.
 */
size_t emu_device_path_size(const struct efi_device_path *dp, size_t max)
{
	size_t size = 0;
	struct efi_device_path node;

	while (size + sizeof(node) <= max) {
		memcpy(&node, (const u8 *)dp + size, sizeof(node));
		if (node.length < sizeof(node) || size + node.length > max)
			return 0;
		size += node.length;
		if (node.type == EFI_DEV_END_PATH &&
		    node.subtype == EFI_DEV_END_ENTIRE)
			return size;
	}
	return 0;
}

#define NO_MATCH ((size_t)-1)

/*
 * Bytes of @prefix (up to its end node) when it is a whole-node prefix of
 * @path, else NO_MATCH.  Both are valid paths.
 */
static size_t path_prefix(const struct efi_device_path *prefix,
			  const struct efi_device_path *path)
{
	const u8 *a = (const u8 *)prefix, *b = (const u8 *)path;
	struct efi_device_path na, nb;
	size_t off = 0;

	for (;;) {
		memcpy(&na, a + off, sizeof(na));
		if (na.type == EFI_DEV_END_PATH &&
		    na.subtype == EFI_DEV_END_ENTIRE)
			return off;
		memcpy(&nb, b + off, sizeof(nb));
		if (nb.type == EFI_DEV_END_PATH &&
		    nb.subtype == EFI_DEV_END_ENTIRE)
			return NO_MATCH;
		if (na.length != nb.length ||
		    memcmp(a + off, b + off, na.length))
			return NO_MATCH;
		off += na.length;
	}
}

/**
 * emu_locate_device_path() - implements LocateDevicePath() (UEFI 2.10, 7.3)
 * @guid:	protocol the handle must carry
 * @path:	in: device path; out: what remains after the handle's path
 * @device:	out: the handle with the longest matching path
 *
 * The handle with @guid whose device path is the longest prefix of
 * *@path; *@path is advanced past the matched part.  The initrd is found
 * this way.
 *
 * Return: EFI_SUCCESS, EFI_NOT_FOUND or EFI_INVALID_PARAMETER.
 */
efi_status_t emu_locate_device_path(const efi_guid_t *guid,
				    struct efi_device_path **path,
				    efi_handle_t *device)
{
	static const efi_guid_t dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
	struct emu_handle *h, *best = NULL;
	struct efi_device_path *dp;
	size_t n, best_n = 0;

	if (!guid || !path || !*path || !device ||
	    !emu_device_path_size(*path, EMU_MAX_PATH_SIZE))
		return EFI_INVALID_PARAMETER;
	for (h = emu->handles; h; h = h->next) {
		dp = emu_search_protocol(h, &dp_guid);
		if (!dp || !find_proto(h, guid) ||
		    !emu_device_path_size(dp, EMU_MAX_PATH_SIZE))
			continue;
		n = path_prefix(dp, *path);
		if (n == NO_MATCH)
			continue;
		if (!best || n > best_n) {
			best = h;
			best_n = n;
		}
	}
	if (!best)
		return EFI_NOT_FOUND;
	*device = best;
	*path = (struct efi_device_path *)((u8 *)*path + best_n);
	return EFI_SUCCESS;
}

/*
 * UEFI 2.10, 7.3: InstallMultipleProtocolInterfaces() refuses a device
 * path that some handle already carries, which is how two initrd
 * providers keep from shadowing each other.
 */
static bool device_path_taken(const struct efi_device_path *dp)
{
	static const efi_guid_t dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
	size_t size = emu_device_path_size(dp, EMU_MAX_PATH_SIZE);
	struct efi_device_path *other;
	struct emu_handle *h;

	if (!size)
		return false;
	for (h = emu->handles; h; h = h->next) {
		other = emu_search_protocol(h, &dp_guid);
		if (other && emu_device_path_size(other, size) == size &&
		    !memcmp(other, dp, size))
			return true;
	}
	return false;
}

/*
 * Implements InstallMultipleProtocolInterfaces() (UEFI 2.10, 7.3): @args
 * are its (GUID, interface) pairs up to a NULL GUID.
 */
efi_status_t emu_install_multiple_protocol_interfaces(efi_handle_t *handle,
						      efi_va_list args)
{
	static const efi_guid_t dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
	efi_handle_t orig;
	efi_status_t status = EFI_SUCCESS;
	efi_guid_t *guid;
	efi_va_list ap;
	void *iface;
	u32 n = 0, i;

	if (!handle)
		return EFI_INVALID_PARAMETER;
	orig = *handle;
	efi_va_copy(ap, args);
	while ((guid = efi_va_arg(ap, efi_guid_t *))) {
		iface = efi_va_arg(ap, void *);
		if (emu_guid_eq(guid, &dp_guid) && device_path_taken(iface)) {
			status = EFI_ALREADY_STARTED;
			break;
		}
		status = emu_install_protocol(handle, guid, iface);
		if (status != EFI_SUCCESS)
			break;
		n++;
	}
	efi_va_end(ap);
	if (status == EFI_SUCCESS)
		return EFI_SUCCESS;

	/* Undo the ones installed; a handle created here goes with them. */
	efi_va_copy(ap, args);
	for (i = 0; i < n; i++) {
		guid = efi_va_arg(ap, efi_guid_t *);
		iface = efi_va_arg(ap, void *);
		emu_uninstall_protocol(*handle, guid, iface);
	}
	efi_va_end(ap);
	*handle = orig;
	return status;
}

/* Implements UninstallMultipleProtocolInterfaces() (UEFI 2.10, 7.3). */
efi_status_t emu_uninstall_multiple_protocol_interfaces(efi_handle_t handle,
							efi_va_list args)
{
	struct emu_handle *h = emu_handle_get(handle);
	struct emu_protocol *p;
	efi_guid_t *guid;
	efi_va_list ap;
	void *iface;
	bool ok = true;

	if (!h)
		return EFI_INVALID_PARAMETER;
	/* All or nothing: check every pair before removing any. */
	efi_va_copy(ap, args);
	while ((guid = efi_va_arg(ap, efi_guid_t *))) {
		iface = efi_va_arg(ap, void *);
		p = find_proto(h, guid);
		if (!p || p->iface != iface || driver_open(p))
			ok = false;
	}
	efi_va_end(ap);
	if (!ok)
		return EFI_INVALID_PARAMETER;
	efi_va_copy(ap, args);
	while ((guid = efi_va_arg(ap, efi_guid_t *))) {
		iface = efi_va_arg(ap, void *);
		emu_uninstall_protocol(handle, guid, iface);
	}
	efi_va_end(ap);
	return EFI_SUCCESS;
}
