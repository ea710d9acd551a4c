/*
 * warden-confine: the operating-system wall around one Warden extension process (Linux).
 *
 *   warden-confine [--status-fd N] [--parent-pid PID] [--allow PATH]... -- PROGRAM ARGS...
 *   warden-confine --probe
 *
 * Before execve(PROGRAM) it applies, in this order, and exits 111 without running PROGRAM if
 * any step fails (the host must never believe a wall is up that is not):
 *   - its own session (setsid) and death with its parent (PR_SET_PDEATHSIG SIGKILL; the parent
 *     pid is passed in so a parent that died before the prctl is noticed);
 *   - PR_SET_NO_NEW_PRIVS;
 *   - Landlock: every filesystem right of the running ABI handled, EXECUTE|READ_FILE|READ_DIR
 *     allowed beneath exactly the --allow paths, nothing writable; TCP bind/connect handled with
 *     no rule (ABI >= 4); abstract UNIX sockets and signals scoped to the domain (ABI >= 6);
 *   - seccomp: native architecture only (x32 denied), no new sockets, no io_uring, no ptrace or
 *     process_vm_*, no namespaces, signals only to itself.
 * It must run before the program starts threads: Landlock restricts only the calling thread
 * and what it starts later, which is why this is an exec wrapper and not an addon.
 *
 * Options come from arguments only: the environment belongs to the program it runs. What was
 * applied is written as one line to --status-fd (then closed, so the program does not inherit
 * it), e.g. "warden-confine 1 landlock=7 fs=1 net=1 scope=1 seccomp=1 nnp=1 session=1 pdeathsig=1".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define WALL_AUDIT_ARCH AUDIT_ARCH_X86_64
#define WALL_X32_BIT 0x40000000u
#elif defined(__aarch64__)
#define WALL_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "warden-confine: the seccomp filter is written for x86_64 and aarch64 only"
#endif

/* Landlock's ABI, declared here: distribution headers often predate the network and scope parts. */
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif
#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#define __NR_io_uring_enter 426
#define __NR_io_uring_register 427
#endif
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal 424
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd 438
#endif

#define LL_VERSION_FLAG 1u
#define LL_RULE_PATH_BENEATH 1
#define LL_FS_EXECUTE (1ULL << 0)
#define LL_FS_WRITE_FILE (1ULL << 1)
#define LL_FS_READ_FILE (1ULL << 2)
#define LL_FS_READ_DIR (1ULL << 3)
#define LL_FS_TRUNCATE (1ULL << 14)
#define LL_FS_IOCTL_DEV (1ULL << 15)
#define LL_NET_BIND_TCP (1ULL << 0)
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX (1ULL << 0)
#define LL_SCOPE_SIGNAL (1ULL << 1)

struct ll_ruleset_attr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net; /* ABI >= 4 */
  uint64_t scoped;             /* ABI >= 6 */
};
struct ll_path_beneath {
  uint64_t allowed_access;
  int32_t parent_fd;
} __attribute__((packed));

#define EXIT_WALL 111
#define MAX_ALLOW 256

static int fail(const char *what) {
  fprintf(stderr, "warden-confine: %s: %s\n", what, strerror(errno));
  return EXIT_WALL;
}

static int landlock_abi(void) {
  long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LL_VERSION_FLAG);
  return abi < 0 ? 0 : (int)abi;
}

/* Every filesystem right the running ABI knows: unhandled rights would stay allowed. */
static uint64_t fs_rights(int abi) {
  uint64_t all = (1ULL << 13) - 1; /* ABI 1: EXECUTE .. MAKE_SYM */
  if (abi >= 2) all |= 1ULL << 13; /* REFER */
  if (abi >= 3) all |= 1ULL << 14; /* TRUNCATE */
  if (abi >= 5) all |= 1ULL << 15; /* IOCTL_DEV */
  return all;
}

static int apply_landlock(int abi, char **allow, int n_allow) {
  struct ll_ruleset_attr attr = {
      .handled_access_fs = fs_rights(abi),
      .handled_access_net = abi >= 4 ? (LL_NET_BIND_TCP | LL_NET_CONNECT_TCP) : 0,
      .scoped = abi >= 6 ? (LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL) : 0,
  };
  size_t size = abi >= 6 ? sizeof attr : abi >= 4 ? 2 * sizeof(uint64_t) : sizeof(uint64_t);
  int rs = (int)syscall(__NR_landlock_create_ruleset, &attr, size, 0);
  if (rs < 0) return fail("landlock_create_ruleset");
  for (int i = 0; i < n_allow; i++) {
    int fd = open(allow[i], O_PATH | O_CLOEXEC);
    if (fd < 0) {
      fprintf(stderr, "warden-confine: cannot open allowed path: %s\n", strerror(errno));
      return EXIT_WALL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) return fail("fstat");
    /* A file takes file rights only; a folder also READ_DIR (its listing and what is beneath). */
    struct ll_path_beneath pb = {
        .allowed_access = LL_FS_EXECUTE | LL_FS_READ_FILE | (S_ISDIR(st.st_mode) ? LL_FS_READ_DIR : 0),
        .parent_fd = fd,
    };
    if (syscall(__NR_landlock_add_rule, rs, LL_RULE_PATH_BENEATH, &pb, 0) < 0) return fail("landlock_add_rule");
    close(fd);
  }
  if (syscall(__NR_landlock_restrict_self, rs, 0) < 0) return fail("landlock_restrict_self");
  close(rs);
  return 0;
}

/* ---- seccomp: a small BPF program, built in place ---- */

#define MAX_FILTER 128
static struct sock_filter prog[MAX_FILTER];
static unsigned n_prog;

static void emit(struct sock_filter f) {
  if (n_prog < MAX_FILTER) prog[n_prog] = f;
  n_prog++;
}
#define LD_NR() emit((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)))
/* The low 32 bits of argument i (both architectures are little-endian; pid_t is 32-bit). */
#define LD_ARG_LO(i) \
  emit((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args) + 8 * (i)))
#define RET(v) emit((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (v)))
#define ERRNO(e) (SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))

/* if (nr == sys) return action; */
static void deny(unsigned sys, uint32_t action) {
  emit((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, sys, 0, 1));
  RET(action);
}

/*
 * Signals: only to itself. Allowed pid arguments are its own pid, 0 and -pid (its process group,
 * which after setsid holds only itself); everything else is EPERM. `me` is the pid the program
 * keeps across execve.
 */
static void signal_to_self(unsigned sys, int arg, uint32_t me, int group_ok) {
  emit((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, sys, 0, group_ok ? 6 : 4));
  LD_ARG_LO(arg);
  emit((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, me, group_ok ? 3 : 1, 0));
  if (group_ok) {
    emit((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 2, 0));
    emit((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(-(int32_t)me), 1, 0));
  }
  RET(ERRNO(EPERM));
  RET(SECCOMP_RET_ALLOW);
}

/* Namespace flags of clone(2): a new user namespace is kernel attack surface the program needs not. */
#define CLONE_NS_FLAGS 0x7E020000u

static int apply_seccomp(uint32_t me) {
  n_prog = 0;
  emit((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
  emit((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, WALL_AUDIT_ARCH, 1, 0));
  RET(SECCOMP_RET_KILL_PROCESS);
  LD_NR();
#ifdef WALL_X32_BIT
  emit((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, WALL_X32_BIT, 0, 1));
  RET(ERRNO(EPERM));
#endif
  /* No new socket of any family: the channel is the inherited fd 3. socketpair stays allowed
     (an unnamed, connected pair reaches nobody outside the process). */
  deny(SYS_socket, ERRNO(EACCES));
  /* io_uring would do file and socket work outside this filter; ENOSYS makes libuv fall back. */
  deny(__NR_io_uring_setup, ERRNO(ENOSYS));
  deny(__NR_io_uring_enter, ERRNO(ENOSYS));
  deny(__NR_io_uring_register, ERRNO(ENOSYS));
  deny(SYS_ptrace, ERRNO(EPERM));
  deny(SYS_process_vm_readv, ERRNO(EPERM));
  deny(SYS_process_vm_writev, ERRNO(EPERM));
  deny(__NR_pidfd_open, ERRNO(EPERM));
  deny(__NR_pidfd_getfd, ERRNO(EPERM));
  deny(__NR_pidfd_send_signal, ERRNO(EPERM));
  deny(SYS_unshare, ERRNO(EPERM));
  deny(SYS_setns, ERRNO(EPERM));
  deny(SYS_mount, ERRNO(EPERM));
  deny(SYS_umount2, ERRNO(EPERM));
  deny(SYS_pivot_root, ERRNO(EPERM));
  deny(SYS_chroot, ERRNO(EPERM));
  deny(SYS_bpf, ERRNO(EPERM));
  deny(SYS_perf_event_open, ERRNO(EPERM));
  deny(SYS_userfaultfd, ERRNO(EPERM));
  deny(SYS_keyctl, ERRNO(EPERM));
  deny(SYS_add_key, ERRNO(EPERM));
  deny(SYS_request_key, ERRNO(EPERM));
  deny(SYS_tkill, ERRNO(EPERM)); /* a bare thread id cannot be checked; glibc uses tgkill */
  /* clone3 passes its flags in memory a filter cannot read: ENOSYS makes glibc use clone. */
  deny(__NR_clone3, ERRNO(ENOSYS));
  emit((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 4));
  LD_ARG_LO(0);
  emit((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NS_FLAGS, 0, 1));
  RET(ERRNO(EPERM));
  RET(SECCOMP_RET_ALLOW);
  signal_to_self(SYS_kill, 0, me, 1);
  LD_NR();
  signal_to_self(SYS_tgkill, 0, me, 0);
  LD_NR();
  signal_to_self(SYS_rt_sigqueueinfo, 0, me, 0);
  LD_NR();
  signal_to_self(SYS_rt_tgsigqueueinfo, 0, me, 0);
  RET(SECCOMP_RET_ALLOW);
  if (n_prog > MAX_FILTER) {
    fprintf(stderr, "warden-confine: seccomp program too long\n");
    return EXIT_WALL;
  }
  struct sock_fprog fprog = {.len = (unsigned short)n_prog, .filter = prog};
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog)) return fail("seccomp");
  return 0;
}

static int seccomp_available(void) {
  /* Mode query without installing anything: EINVAL would mean no filter support. */
  return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
}

static void status_line(char *buf, size_t len, int abi, int seccomp, int nnp, int session, int pdeath) {
  snprintf(buf, len, "warden-confine 1 landlock=%d fs=%d net=%d scope=%d seccomp=%d nnp=%d session=%d pdeathsig=%d\n",
           abi, abi >= 1, abi >= 4, abi >= 6, seccomp, nnp, session, pdeath);
}

static int parse_int(const char *s, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *s == '\0' || *end != '\0') return -1;
  *out = v;
  return 0;
}

int main(int argc, char **argv) {
  long status_fd = -1, parent_pid = -1;
  char *allow[MAX_ALLOW];
  int n_allow = 0, i = 1, probe = 0;
  for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
    if (strcmp(argv[i], "--probe") == 0) {
      probe = 1;
    } else if (strcmp(argv[i], "--allow") == 0 && i + 1 < argc && n_allow < MAX_ALLOW) {
      allow[n_allow++] = argv[++i];
    } else if (strcmp(argv[i], "--status-fd") == 0 && i + 1 < argc && parse_int(argv[i + 1], &status_fd) == 0 &&
               status_fd > 2) {
      i++;
    } else if (strcmp(argv[i], "--parent-pid") == 0 && i + 1 < argc &&
               parse_int(argv[i + 1], &parent_pid) == 0 && parent_pid > 1) {
      i++;
    } else {
      fprintf(stderr, "usage: warden-confine [--status-fd N] [--parent-pid PID] [--allow PATH]... -- PROGRAM ARGS...\n"
                      "       warden-confine --probe\n");
      return 2;
    }
  }
  int abi = landlock_abi();
  char line[160];
  if (probe) {
    status_line(line, sizeof line, abi, seccomp_available(), 1, 1, 1);
    fputs(line, stdout);
    return abi >= 1 ? 0 : 3;
  }
  if (i >= argc - 1) {
    fprintf(stderr, "warden-confine: no program after --\n");
    return 2;
  }
  /* Fail closed: without Landlock this wrapper is not a wall; the host picks another mechanism. */
  if (abi < 1) {
    fprintf(stderr, "warden-confine: Landlock is not available on this kernel\n");
    return EXIT_WALL;
  }

  /* Dies with its parent. The prctl races with the parent's death, so compare afterwards. */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0)) return fail("PR_SET_PDEATHSIG");
  if (parent_pid > 1 && getppid() != (pid_t)parent_pid) {
    fprintf(stderr, "warden-confine: parent already gone\n");
    return EXIT_WALL;
  }
  if (setsid() < 0) return fail("setsid");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) return fail("PR_SET_NO_NEW_PRIVS");
  int rc = apply_landlock(abi, allow, n_allow);
  if (rc) return rc;
  rc = apply_seccomp((uint32_t)getpid());
  if (rc) return rc;

  if (status_fd > 2) {
    status_line(line, sizeof line, abi, 1, 1, 1, 1);
    ssize_t w = write((int)status_fd, line, strlen(line));
    if (w != (ssize_t)strlen(line)) return fail("status write");
    close((int)status_fd);
  }
  execv(argv[i + 1], argv + i + 1);
  return fail("execv");
}
