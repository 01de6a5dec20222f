import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DroppedObject, LocalCloud } from '../../packages/cli/local-cloud';

/**
 * The invariants every end-to-end run must keep: each dropped file ends with exactly one report, at most one
 * started job per part (job name), never two jobs active at once, the dropped object unchanged.
 */
export async function checkInvariants(cloud: LocalCloud, drops: Array<DroppedObject & { body: Buffer }>): Promise<void> {
  await cloud.settle(120_000);
  for (const d of drops) {
    const reports = await cloud.reports(d.key);
    expect({ key: d.key, reports: reports.length }).toEqual({ key: d.key, reports: 1 });
    const obj = await cloud.s3.send(new GetObjectCommand({ Bucket: d.bucket, Key: d.key }));
    const now = Buffer.from(await obj.Body!.transformToByteArray());
    expect(now.equals(d.body)).toBe(true);
  }
  const jobs = cloud.jobs();
  const startedPerName = new Map<string, number>();
  for (const j of jobs) if (j.StartDate !== undefined) startedPerName.set(j.JobName, (startedPerName.get(j.JobName) ?? 0) + 1);
  for (const [name, n] of startedPerName) expect({ name, started: n }).toEqual({ name, started: 1 });
  const active = jobs.filter((j) => j.activeFrom !== undefined).sort((a, b) => a.activeFrom! - b.activeFrom!);
  for (let i = 1; i < active.length; i++) {
    expect(active[i].activeFrom!).toBeGreaterThanOrEqual(active[i - 1].activeTo ?? Infinity);
  }
}

export async function drop(cloud: LocalCloud, body: string | Buffer, key: string): Promise<DroppedObject & { body: Buffer }> {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const d = await cloud.dropFile(buf, key);
  return { ...d, body: buf };
}
