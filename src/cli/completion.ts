import type { Command, Option } from 'commander';

export type Shell = 'bash' | 'zsh' | 'fish';

interface Spec {
  name: string;
  description: string;
  /** Values of positional arguments with fixed choices (`completion bash|zsh|fish`). */
  words: string[];
  flags: { long: string; short?: string; description: string; choices: string[]; takesValue: boolean }[];
}

/** What completion needs from the command tree: read from commander, so it never falls behind. */
function specs(cli: Command): { globals: Spec['flags']; commands: Spec[] } {
  const flags = (options: readonly Option[]) =>
    options
      .filter((o) => o.long !== undefined && !o.hidden)
      .map((o) => ({
        long: o.long as string,
        ...(o.short ? { short: o.short } : {}),
        description: o.description,
        choices: o.argChoices ?? [],
        takesValue: o.required || o.optional,
      }));
  return {
    globals: flags(cli.options),
    commands: cli.commands.map((c) => ({
      name: c.name(),
      description: c.description(),
      words: c.registeredArguments.flatMap((a) => a.argChoices ?? []),
      flags: flags(c.options),
    })),
  };
}

/** A completion script for `shell`, built from the live command definitions. */
export function completionScript(shell: Shell, cli: Command): string {
  const s = specs(cli);
  switch (shell) {
    case 'bash':
      return bash(s);
    case 'zsh':
      return zsh(s);
    case 'fish':
      return fish(s);
    default: {
      const never: never = shell;
      throw new Error(`unknown shell ${String(never)}`);
    }
  }
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function bash(s: ReturnType<typeof specs>): string {
  const names = s.commands.map((c) => c.name).join(' ');
  const globals = s.globals.map((f) => f.long).join(' ');
  const cases = s.commands
    .map(
      (c) =>
        `    ${c.name}) opts=${quote([...c.flags.map((f) => f.long), '--help'].join(' '))}; words=${quote(c.words.join(' '))} ;;`,
    )
    .join('\n');
  const choices = s.commands
    .flatMap((c) => c.flags.filter((f) => f.choices.length > 0).map((f) => ({ c: c.name, f })))
    .map(
      ({ c, f }) =>
        `    ${c}:${f.long}) COMPREPLY=($(compgen -W ${quote(f.choices.join(' '))} -- "$cur")); return ;;`,
    )
    .join('\n');
  return `# edgeform completion for bash. Load it with:  source <(edgeform completion bash)
_edgeform() {
  local cur prev cmd opts words i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) cmd="\${COMP_WORDS[i]}"; break ;; esac
  done
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W ${quote(`${names} ${globals} --help --version`)} -- "$cur"))
    return
  fi
  case "$cmd:$prev" in
${choices}
  esac
  case "$cmd" in
${cases}
    *) opts=""; words="" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [[ -n "$words" ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _edgeform edgeform
`;
}

function zsh(s: ReturnType<typeof specs>): string {
  const esc = (t: string) => t.replace(/[[\]:'\\]/g, '\\$&');
  const commands = s.commands.map((c) => `    ${quote(`${c.name}:${esc(c.description)}`)}`).join('\n');
  const cases = s.commands
    .map((c) => {
      const args = c.flags
        .map((f) => {
          const value = f.choices.length
            ? `:${f.long.slice(2)}:(${f.choices.join(' ')})`
            : f.takesValue
              ? ':value:_files'
              : '';
          return `        ${quote(`${f.long}[${esc(f.description)}]${value}`)}`;
        })
        .join(' \\\n');
      const rest = c.words.length ? `'1:${c.name}:(${c.words.join(' ')})'` : `'*:file:_files'`;
      return `    ${c.name})\n      _arguments \\\n${args}${args ? ' \\\n' : ''}        ${rest} ;;`;
    })
    .join('\n');
  return `#compdef edgeform
# edgeform completion for zsh. Load it with:  source <(edgeform completion zsh)
_edgeform() {
  local -a commands
  commands=(
${commands}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "\${words[2]}" in
${cases}
  esac
}
compdef _edgeform edgeform
`;
}

function fish(s: ReturnType<typeof specs>): string {
  const lines = [
    '# edgeform completion for fish. Load it with:  edgeform completion fish | source',
    'complete -c edgeform -f',
  ];
  const names = s.commands.map((c) => c.name).join(' ');
  for (const c of s.commands) {
    lines.push(
      `complete -c edgeform -n "not __fish_seen_subcommand_from ${names}" -a ${c.name} -d ${quote(c.description)}`,
    );
    if (c.words.length)
      lines.push(
        `complete -c edgeform -n "__fish_seen_subcommand_from ${c.name}" -a ${quote(c.words.join(' '))}`,
      );
    for (const f of c.flags) {
      const short = f.short ? ` -s ${f.short.slice(1)}` : '';
      const value = f.choices.length ? ` -x -a ${quote(f.choices.join(' '))}` : f.takesValue ? ' -r -F' : '';
      lines.push(
        `complete -c edgeform -n "__fish_seen_subcommand_from ${c.name}" -l ${f.long.slice(2)}${short}${value} -d ${quote(f.description)}`,
      );
    }
  }
  for (const f of s.globals)
    lines.push(`complete -c edgeform -l ${f.long.slice(2)} -d ${quote(f.description)}`);
  return `${lines.join('\n')}\n`;
}
