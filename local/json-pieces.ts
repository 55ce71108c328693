// JSON text made and written in pieces, so that saving a big state never makes it one string.
// state.json at 100 deployments is tens of MB, most of it the executions' histories: made as one
// string, then the whole file's text, then its bytes, it was three copies of the state at once.
// Here each part's text is made when it is written, and the writer joins the pieces into chunks
// of about 64K characters: at most a chunk's text and bytes exist at a time, beside the parts
// made ahead, and each is small enough to die young (V8 puts bigger objects in the old space,
// which grows to several times what it holds before it is collected).
//
// A part made ahead (`JsonText.of`) is text of state that changes: made at the moment of the
// snapshot, as one string. A part made later (`JsonText.later`) must read only values that no
// later change reaches (copies, or objects never changed once made, such as a history's events).

/** A JSON value's text: made already, or made piece by piece when it is written. */
export class JsonText {
  private constructor(private readonly make: () => Iterable<string>) {}

  /** Text made already. */
  static of(text: string): JsonText {
    return new JsonText(() => [text]);
  }

  /** Text made piece by piece when it is written, from values no later change reaches. */
  static later(make: () => Iterable<string>): JsonText {
    return new JsonText(make);
  }

  pieces(): Iterable<string> {
    return this.make();
  }

  /** The same value for JSON.stringify, made whole (for a small state; a big one is written in pieces). */
  toJSON(): unknown {
    return JSON.parse([...this.pieces()].join(''));
  }
}

/**
 * An object's members as text: each JsonText member as it is, each other member's JSON.stringify
 * made now (so later changes to it do not reach the text), those JSON.stringify leaves out left out.
 */
export function membersText(value: object): Record<string, JsonText> {
  const members: Record<string, JsonText> = {};
  for (const [key, member] of Object.entries(value) as [string, unknown][]) {
    const text = member instanceof JsonText ? member : textOf(member);
    if (text !== undefined) members[key] = text;
  }
  return members;
}

/** An object's text, its members' as `membersText` makes them: parses to JSON.stringify(value)'s value. */
export function objectText(value: object): JsonText {
  const members = Object.entries(membersText(value));
  return JsonText.later(function* () {
    yield '{';
    for (const [i, [key, text]] of members.entries()) {
      yield `${i === 0 ? '' : ','}${JSON.stringify(key)}:`;
      yield* text.pieces();
    }
    yield '}';
  });
}

/** An array's text, each item's made as it is written: the items must not change meanwhile. */
export function* arrayPieces<T>(items: readonly T[], itemPieces: (item: T) => Iterable<string>) {
  yield '[';
  for (const [i, item] of items.entries()) {
    if (i > 0) yield ',';
    yield* itemPieces(item);
  }
  yield ']';
}

function textOf(value: unknown): JsonText | undefined {
  const text = JSON.stringify(value) as string | undefined;
  return text === undefined ? undefined : JsonText.of(text);
}

/** Pieces joined into chunks of at least `size` characters (the last may be shorter). */
export function* chunks(pieces: Iterable<string>, size = 64 * 1024): Generator<string> {
  let parts: string[] = [];
  let length = 0;
  for (const piece of pieces) {
    parts.push(piece);
    length += piece.length;
    if (length >= size) {
      yield parts.join('');
      [parts, length] = [[], 0];
    }
  }
  if (length > 0) yield parts.join('');
}
