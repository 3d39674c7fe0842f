import type { Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { ERROR_CODES } from '../../../contract/error-codes';
import { codedError } from '../../errors';
import { applyPlanToChunk, type PatchPlan } from '../../iso/plan';

/**
 * The customized image, read block by block: source bytes are read straight into the caller's
 * (aligned) buffer and the plan is laid over them with applyPlanToChunk, the function planTransform
 * applies to a stream. No temporary copy of the image, and no buffer allocated per block (which
 * keeps the helper's memory flat and its speed at the device's).
 */
export class PlannedSource {
  private constructor(
    private readonly fh: FileHandle,
    readonly image: string,
    readonly plan: PatchPlan,
  ) {}

  /** Opens the source image read-only. */
  static async open(image: string, plan: PatchPlan): Promise<PlannedSource> {
    try {
      return new PlannedSource(await open(image, 'r'), image, plan);
    } catch (err) {
      throw codedError(ERROR_CODES.WRITE_SOURCE_ERROR, { image }, `cannot read the image ${image}`, [(err as Error).message]);
    }
  }

  /**
   * Fills buf[0, length) with customized image bytes [pos, pos+length); `pristine` is fed the
   * image's own bytes before the plan is laid over them.
   */
  async readInto(buf: Buffer, pos: number, length: number, pristine?: Hash): Promise<void> {
    let done = 0;
    while (done < length) {
      let n: number;
      try {
        ({ bytesRead: n } = await this.fh.read(buf, done, length - done, pos + done));
      } catch (err) {
        throw codedError(
          ERROR_CODES.WRITE_SOURCE_ERROR,
          { image: this.image, offset: pos + done },
          `reading ${this.image} at byte ${pos + done}`,
          [(err as Error).message],
        );
      }
      if (n === 0)
        throw codedError(
          ERROR_CODES.WRITE_SOURCE_ERROR,
          { image: this.image, offset: pos + done },
          `${this.image} ended after ${pos + done} bytes, expected ${this.plan.imageSize}`,
        );
      done += n;
    }
    pristine?.update(buf.subarray(0, length));
    applyPlanToChunk(this.plan, buf.subarray(0, length), pos);
  }

  /** Closes the file. */
  close(): Promise<void> {
    return this.fh.close();
  }
}
