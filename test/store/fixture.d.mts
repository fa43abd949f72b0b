import type { Report } from '../../src/report/report.js';
export function baseReport(users: number, seed?: number): Promise<Report>;
export function readJson(path: string): Report;
export function variant(base: Report, i: number, share?: number): Report;
export function canonical(report: Report): string;
