import 'reflect-metadata';
import { runAdapter } from '@cardshop/payments';
import { EpayAdapter, EpayConfig } from './index';

void runAdapter(() => new EpayAdapter(EpayConfig.fromEnv()));
