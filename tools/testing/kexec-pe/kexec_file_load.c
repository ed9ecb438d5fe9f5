// SPDX-License-Identifier: GPL-2.0
/*
 * kexec-file-load - load a kernel with kexec_file_load(2) and reboot into
 * it with reboot(LINUX_REBOOT_CMD_KEXEC), without kexec-tools.
 *
 * This is the path systemd's "systemctl kexec" takes when kexec-tools is
 * absent: user space does not look at the image, the kernel decides.  The
 * result is printed on one line ("kexec_file_load: ok" or
 * "kexec_file_load: errno=N (text)") so the selftest can assert it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kexec.h>
#include <linux/reboot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Linux 6.7: print the segments in dmesg; older libc headers lack it. */
#ifndef KEXEC_FILE_DEBUG
#define KEXEC_FILE_DEBUG	0x00000008
#endif

static void print_usage(void)
{
	fprintf(stderr,
		"usage: kexec-file-load [-p] [-d] [-i INITRD] [-c CMDLINE] KERNEL\n"
		"       kexec-file-load [-p] -u   unload\n"
		"       kexec-file-load -e        reboot into the loaded kernel\n"
		"  -p  load or unload the crash kernel (KEXEC_FILE_ON_CRASH)\n"
		"  -d  have the kernel log the segments (KEXEC_FILE_DEBUG)\n");
	exit(2);
}

static int open_or_die(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "kexec-file-load: %s: %s\n", path,
			strerror(errno));
		exit(1);
	}
	return fd;
}

int main(int argc, char **argv)
{
	const char *initrd = NULL, *cmdline = "";
	unsigned long flags = 0;
	int kfd = -1, ifd = -1;
	int opt, exec = 0;
	long ret;

	while ((opt = getopt(argc, argv, "pdi:c:ue")) != -1) {
		switch (opt) {
		case 'd':
			flags |= KEXEC_FILE_DEBUG;
			break;
		case 'p':
			flags |= KEXEC_FILE_ON_CRASH;
			break;
		case 'i':
			initrd = optarg;
			break;
		case 'c':
			cmdline = optarg;
			break;
		case 'u':
			flags |= KEXEC_FILE_UNLOAD;
			break;
		case 'e':
			exec = 1;
			break;
		default:
			print_usage();
		}
	}

	if (exec) {
		if (optind != argc || flags)
			print_usage();
		sync();
		ret = syscall(SYS_reboot, LINUX_REBOOT_MAGIC1,
			      LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_KEXEC, NULL);
		printf("reboot(KEXEC): errno=%d (%s)\n", errno, strerror(errno));
		return 1;
	}

	if (flags & KEXEC_FILE_UNLOAD) {
		if (optind != argc)
			print_usage();
	} else {
		if (optind != argc - 1)
			print_usage();
		kfd = open_or_die(argv[optind]);
		if (initrd)
			ifd = open_or_die(initrd);
		else
			flags |= KEXEC_FILE_NO_INITRAMFS;
	}

	/* The length includes the terminating NUL, as the syscall expects. */
	ret = syscall(SYS_kexec_file_load, kfd, ifd,
		      (unsigned long)strlen(cmdline) + 1, cmdline, flags);
	if (ret) {
		printf("kexec_file_load: errno=%d (%s)\n", errno,
		       strerror(errno));
		return 1;
	}
	printf("kexec_file_load: ok\n");
	return 0;
}
