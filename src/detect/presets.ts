/**
 * Built-in rule presets: the match patterns and defaults for known sources. A rule with `preset: <name>` starts
 * from these values; every key the rule sets itself wins (`match` is merged key by key).
 *
 * The sshd patterns are our own, written from OpenSSH's log formats and checked against the sshd lines of
 * fail2ban's and CrowdSec's test data (test/detect/sshd-agreement.ts). All of them pass the load-time regex
 * safety check (regex-safety.ts), and every address capture is anchored to the end of the line or to fixed text
 * after it, so a user name that contains "from 10.0.0.1" cannot become the address.
 */

export const PRESET_NAMES = ['sshd-invalid-user', 'sshd-auth-failure'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface RulePreset {
  readonly match: {
    readonly appname: readonly string[];
    /** Tried in order; the first that matches wins. Every one captures `ip`; `user` where the line names one. */
    readonly message: readonly string[];
  };
  readonly groupBy: readonly string[];
  readonly windowMs: number;
  readonly threshold: number;
}

/** The program names OpenSSH logs under (sshd-session since OpenSSH 9.8). */
const SSHD_APPNAMES = ['sshd', 'sshd-session'] as const;

/** An address as sshd prints it: IPv4, IPv6 (with an optional zone) or, with UseDNS, a host name. */
const ADDR = String.raw`(?:::ffff:)?(?<ip>[\w.:%-]+)`;
/** Optional prefixes seen in front of the text: Solaris message ids, a kernel stamp (journal), "error: PAM: ". */
const PREFIX = String.raw`^(?:\[ID \d+ [\w.]+\] )?(?:kernel: ?\[ *\d+\.\d+\]:? )?(?:(?:error|fatal): (?:PAM: )?)?`;
/** " port N", and " on ADDR port N" (OpenSSH with several listen addresses). */
const PORT = String.raw`(?: port \d+)?(?: on \S+(?: port \d+)?)?`;
/** Optional " [preauth]" and trailing blanks, then the end of the line. */
const END = String.raw`(?: \[preauth\])?\s*$`;

/**
 * "Invalid user <user> from <ip> [port N]" (and OpenSSH's older "Illegal user"): the first line of a connection
 * attempt with an unknown user name. The user is everything between "user " and the last " from <ip>" before
 * the end of the line; an empty name still matches ("Invalid user  from 1.2.3.4 port 22").
 */
const INVALID_USER = String.raw`^[iI](?:nvalid|llegal) user (?:(?<user>.*) )?from ${ADDR}${PORT}${END}`;

const AUTH_FAILURE: readonly string[] = [
  // Failed password / keyboard-interactive / hostbased / none ... for [invalid user] <user> from <ip>. Not
  // publickey: a legitimate user offering several keys logs one per key. Whatever follows ": " (key type and
  // fingerprint) may not contain "from ", so a user name ending in "ssh2: " cannot move the address.
  String.raw`${PREFIX}Failed (?!publickey )\S+ for (?:invalid user )?(?<user>.*) from ${ADDR}${PORT}(?: ssh\d*)?(?:: (?!.*from ).*)?$`,
  INVALID_USER,
  String.raw`${PREFIX}[aA]uthentication (?:failure|error|failed) for (?<user>.*) from ${ADDR}(?: via \S+)?${END}`,
  String.raw`${PREFIX}User not known to the underlying authentication module for (?<user>.*) from ${ADDR}${END}`,
  String.raw`${PREFIX}(?<user>ROOT) LOGIN REFUSED.* FROM ${ADDR}${END}`,
  String.raw`${PREFIX}User (?<user>.+) from ${ADDR} not allowed because (?:not listed in AllowUsers|listed in DenyUsers|not in any group|a group is listed in DenyGroups|none of user's groups are listed in AllowGroups)${END}`,
  // PAM's own failure line, when it names the account (user=); without it sshd logs "Invalid user" as well.
  String.raw`${PREFIX}pam_unix\(sshd:auth\):\s+authentication failure;.* rhost=${ADDR}\s+user=(?<user>\S+)(?:\s.*)?$`,
  String.raw`${PREFIX}maximum authentication attempts exceeded for (?:invalid user )?(?<user>.*) from ${ADDR}${PORT}(?: ssh\d*)?${END}`,
  // tcp_wrappers refusing the connection, and a client that gives up after "Auth fail" (reason code 3).
  String.raw`${PREFIX}refused connect from \S+ \(${ADDR}\)${END}`,
  String.raw`${PREFIX}Received disconnect from ${ADDR}${PORT}:\s*3: .*: Auth fail${END}`,
];

export const PRESETS: Readonly<Record<PresetName, RulePreset>> = {
  'sshd-invalid-user': {
    match: { appname: SSHD_APPNAMES, message: [INVALID_USER] },
    groupBy: ['host'],
    windowMs: 60_000,
    threshold: 4,
  },
  'sshd-auth-failure': {
    match: { appname: SSHD_APPNAMES, message: AUTH_FAILURE },
    groupBy: ['ip'],
    windowMs: 600_000,
    threshold: 5,
  },
};
