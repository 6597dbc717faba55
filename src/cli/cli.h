/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst-cli - shared declarations of the command-line user agent.
 *
 *   nst-cli.c   main(): setup, the main loop, teardown, exit status
 *   options.c   the option table, --help, --config merging
 *   call.c      the nua and nst callbacks: the call and its event lines
 *   commands.c  interactive commands read from stdin (and SIGINT/SIGTERM)
 */
#ifndef NST_CLI_H
#define NST_CLI_H

#include <nst/nst.h>

#include <sofia-sip/sip.h>
#include <sofia-sip/su_wait.h>

#include <glib.h>

#include <stdint.h>
#include <stdio.h>

/* Exit status (documented in --help and nst-cli(1)). */
enum {
  CLI_EXIT_OK = 0,        /* the peer hung up, --duration ran out, or no call */
  CLI_EXIT_ERROR = 1,     /* cannot start (bind, settings refused, ...) */
  CLI_EXIT_USAGE = 2,     /* bad command line or configuration file */
  CLI_EXIT_EXPIRED = 3,   /* session expired: nst sent BYE */
  CLI_EXIT_FAILED = 4,    /* the call failed or was rejected */
  CLI_EXIT_HUNGUP = 5,    /* we hung up by command (bye, quit, SIGINT/TERM) */
  CLI_EXIT_LIFETIME = 6,  /* the call lifetime (--lifetime) ran out: nst sent BYE */
  CLI_EXIT_REGISTER = 7,  /* the registrar refused the REGISTER, or no answer */
  CLI_EXIT_REFRESH = 8    /* a refresh failed (408, 481, no answer): nst sent BYE */
};

/* Supported with -T: everything nua lists but "timer" (RFC 4028 7.1). */
#define CLI_SUPPORTED_NO_TIMER "100rel"

/* Why the call ended; the first reason recorded wins. */
typedef enum cli_end_e {
  CLI_END_NONE = 0,
  CLI_END_PEER,           /* BYE from the peer */
  CLI_END_DURATION,       /* --duration ran out, we sent BYE */
  CLI_END_COMMAND,        /* bye/quit command or a signal */
  CLI_END_EXPIRED,        /* nst sent the expiry BYE */
  CLI_END_LIFETIME,       /* nst sent the lifetime BYE */
  CLI_END_FAILED,         /* the initial INVITE failed */
  CLI_END_REGISTER,       /* the REGISTER failed */
  CLI_END_REFRESH         /* a refresh failed (408/481): nst sent BYE */
} cli_end_t;

/* Room for the nst tags of the options and the configuration file. */
#define CLI_MAX_TAGS 32

/* What the command line asked for. */
typedef struct cli_settings_s {
  char const *bind;         /* local SIP URL */
  char const *target;       /* call: whom to call; NULL: listen */
  char const *config;       /* --config FILE, or NULL */
  char const *name;         /* label of the output lines */
  unsigned    duration;     /* hang up after this many seconds (0: never) */
  unsigned    lifetime;     /* nst_set_lifetime() once the call is up (0: none) */
  int         use_glib;     /* run on a glib main loop */
  int         no_update;    /* leave UPDATE out of Allow */
  int         no_commands;  /* do not read commands from stdin */
  /* the account (options, else [proxy_0]/[auth_info_0] of --config) */
  char const *identity;     /* From: "Name" <sip:user@domain> */
  char const *user;         /* From user (and digest user without auth_user) */
  char const *display;      /* From display name */
  char const *auth_user;    /* digest user name */
  char const *password;     /* never printed */
  char const *realm;        /* answer only this realm (NULL: any) */
  char const *registrar;    /* REGISTER there (NULL: no registration) */
  char const *proxy;        /* outbound proxy (NULL: the registrar, if any) */
  char const *ha1_file;     /* --config stores the password as ha1 only */
  unsigned    reg_expires;  /* REGISTER Expires (0: 3600) */
  int         register_;    /* -1 unset, 0 do not register, 1 register */
  GStringChunk *strings;    /* the strings read from --config */
  /* TLS (tls.c) */
  char const *tls_dir;      /* Sofia's layout: agent.pem, cafile.pem */
  char const *tls_cert;     /* our key and certificate (PEM) */
  char const *tls_ca;       /* the CAs we trust (PEM) */
  int         tls_verify;   /* verify the peer's certificate */
  int         media;        /* --media: send and receive RTP (media.c) */
  char       *tls_tmpdir;   /* made for --cert/--ca, removed at exit */
  tagi_t      tags[CLI_MAX_TAGS];   /* nst tags of the options, TAG_END()-ended */
} cli_settings_t;

/* The running user agent. */
typedef struct cli_s {
  cli_settings_t *set;
  su_root_t    *root;
  GMainLoop    *loop;         /* GLib's default main context (loop.c) */
  int           polled;       /* a plain su_root polled by GLib (loop.c) */
  int           loop_forced;  /* ... chosen by NST_CLI_LOOP, not probed */
  nst_t        *nst;
  nua_t        *nua;
  nua_handle_t *call;
  nua_handle_t *reg;          /* the registration, or NULL */
  int           registering;  /* a REGISTER was sent (unregister on exit) */
  int           registered;   /* ... and got its 2xx */
  unsigned      reg_auth_tries, call_auth_tries;   /* challenges in a row */
  su_timer_t   *stop_timer;   /* bounds the unregistration at exit */
  char const   *name;         /* label of the output lines */
  su_timer_t   *hangup_timer;

  int           callstate;    /* last nua_callstate_t, -1 before any */
  int           answered;     /* the call reached the ready state */
  int           outgoing;     /* we placed the call */
  int           awaiting_contact; /* Sofia-SIP 1.13: the INVITE waits for
                                     nua's Contact (cli_place_call()) */
  int           bye_sent;     /* we sent BYE (or CANCEL) by command */
  int           audio;        /* SOA_ACTIVE_* of the audio, -99 unknown */
  int           held;         /* our offer holds the call (a=sendonly) */
  char const   *pending;      /* the command whose request awaits its answer */
  cli_end_t     end;          /* why the call ended */
  char          end_why[224]; /* CLI_END_REFRESH: the refresh's answer and sender */
  int           shutting_down;
  int           nua_stopping;  /* nua_shutdown() called */
  int           timers_off;   /* -T / session_expires_enabled=0 */

  /* stdin commands: a GIOChannel watch on the default main context */
  GIOChannel   *in_channel;
  guint         in_watch;

  /* SIGINT/SIGTERM -> quit (g_unix_signal_add()) */
  guint         sig_source[2];
  unsigned      sig_count;

  char          startup_log[256];   /* why the SIP stack did not start */

  /* --media (media.c) */
  struct _RtpSession *rtp;
  int           rtp_port;          /* our RTP port, in our SDP */
  guint         rtp_timer;
  uint32_t      rtp_ts;
  char          rtp_addr[64];      /* where we send */
  unsigned      rtp_remote_port;
  char         *remote_sdp;        /* the peer's latest SDP */
  char          sdp[128];          /* our SDP (with the RTP port) */
} cli_t;

/* options.c */
int  cli_parse_seconds(char const *s, unsigned *out);
sip_to_t *cli_target_to(su_home_t *home, char const *target, char const **why);
int  cli_parse_args(cli_settings_t *set, int argc, char *argv[], int *exit_now);
int  cli_check_transports(cli_settings_t const *set);
int  cli_merge_config(cli_settings_t *set, su_home_t *home, tagi_t **return_tags);
void cli_usage(FILE *f);
void cli_describe_settings(cli_t const *cli, tagi_t const *tags);

/* account.c */
int  cli_account_read_config(cli_settings_t *set, char const *path);
int  cli_account_check(cli_settings_t *set);
char const *cli_account_identity(su_home_t *home, cli_settings_t const *set);
tagi_t *cli_account_tags(su_home_t *home, cli_settings_t const *set, tagi_t const *next);
void cli_account_describe(cli_t const *cli);
int  cli_authenticate(cli_t *cli, nua_handle_t *nh, char const *what, int status,
                      char const *phrase, sip_t const *sip, unsigned *tries);
void cli_register_start(cli_t *cli);
void cli_on_register(cli_t *cli, int unregister, int status, char const *phrase,
                     sip_t const *sip);

/* tls.c */
int  cli_tls_prepare(cli_settings_t *set);
tagi_t *cli_tls_tags(su_home_t *home, cli_settings_t const *set, tagi_t const *next);
void cli_tls_cleanup(cli_settings_t *set);

/* media.c */
int  cli_media_open(cli_t *cli, char const *host);
void cli_media_start(cli_t *cli, char const *remote_sdp);
void cli_media_stop(cli_t *cli);
void cli_media_close(cli_t *cli);

/* call.c */
void cli_shutdown(cli_t *cli);
void cli_say(cli_t const *cli, char const *fmt, ...)
  __attribute__((format(printf, 2, 3)));
void cli_on_nua_event(nua_event_t event, int status, char const *phrase,
                      nua_t *nua, nua_magic_t *magic, nua_handle_t *nh,
                      nua_hmagic_t *hmagic, sip_t const *sip, tagi_t tags[]);
void cli_on_nst_event(nst_event_t event, nst_t *nst, nua_handle_t *nh,
                      nua_hmagic_t *hmagic, nst_info_t const *info, void *magic);
int  cli_place_call(cli_t *cli);
void cli_set_end(cli_t *cli, cli_end_t why);
void cli_stop(cli_t *cli);
char const *cli_sdp(cli_t const *cli);
void cli_who_said(cli_t const *cli, char *buf, size_t size, int status, sip_t const *sip);
int  cli_source(cli_t const *cli, char *buf, size_t size);
char const *cli_audio_name(int audio);

/* commands.c */
void cli_commands_start(cli_t *cli);
void cli_commands_stop(cli_t *cli);
int  cli_signals_start(cli_t *cli);
void cli_signals_stop(cli_t *cli);
void cli_command(cli_t *cli, char *line);
void cli_commands_help(FILE *f);
void cli_say_counters(cli_t *cli, char const *what);

/* loop.c */
int  cli_loop_create(cli_t *cli);
char const *cli_loop_describe(cli_t const *cli);
void cli_loop_run(cli_t *cli);
void cli_loop_destroy(cli_t *cli);

#endif /* NST_CLI_H */
