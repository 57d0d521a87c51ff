import 'reflect-metadata';
import { runAdapter } from '@cardshop/payments';
import { AlipayAdapter, AlipayConfig } from './index';

void runAdapter(() => new AlipayAdapter(AlipayConfig.fromEnv()));
