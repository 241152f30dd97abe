/** Which media files have a sidecar, for the Explorer's Regenerate, as a context value for VS Code's `in` operator. */

/** Results that can carry a sidecar: the images and videos Media Studio saves. */
export const MEDIA_RESULT_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif', 'mp4', 'webm', 'mov'] as const;

/** For a file watcher and a first search. */
export const SIDECAR_GLOB = `**/*.{${MEDIA_RESULT_EXTENSIONS.join(',')}}.json`;

const SIDECAR_PATH = new RegExp(`^(.+\\.(?:${MEDIA_RESULT_EXTENSIONS.join('|')}))\\.json$`, 'i');

/** "/ws/cup.png.json" → "/ws/cup.png". */
export function mediaPathOfSidecar(sidecarPath: string): string | undefined {
  const match = SIDECAR_PATH.exec(sidecarPath);
  return match && !/[\\/]$/.test(match[1]) ? match[1] : undefined;
}

export class SidecarFiles {
  private readonly media = new Set<string>();

  /** True when the set changed. */
  added(sidecarPath: string): boolean {
    const media = mediaPathOfSidecar(sidecarPath);
    if (!media || this.media.has(media)) return false;
    this.media.add(media);
    return true;
  }

  /** True when the set changed. */
  removed(sidecarPath: string): boolean {
    const media = mediaPathOfSidecar(sidecarPath);
    return media !== undefined && this.media.delete(media);
  }

  has(mediaPath: string): boolean {
    return this.media.has(mediaPath);
  }

  /** The `in` operator looks a key up in it. */
  contextValue(): Record<string, true> {
    return Object.fromEntries([...this.media].map((media) => [media, true]));
  }
}
