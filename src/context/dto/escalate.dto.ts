import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { ReportedAgentDto } from './reported-agent.dto';

export class EscalateDto extends ReportedAgentDto {
  @ApiProperty({ description: 'Why the managers should step in (posted as a private note)', minLength: 3, maxLength: 2000 })
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  reason: string;
}

export class EscalationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: 'Chatwoot conversation display id' })
  conversation_id: number;

  @ApiProperty({ enum: ['done'] })
  state: string;

  @ApiProperty({ enum: ['urgent'] })
  priority: string;

  @ApiProperty({ type: Number, nullable: true, description: 'The managers team, when the store has one' })
  team_id: number | null;

  @ApiProperty({ type: [String] })
  labels: string[];

  @ApiProperty({ type: Number, nullable: true })
  note_id: number | null;

  @ApiProperty({ description: 'The manager.escalation notification to the store' })
  notification_id: string;

  @ApiProperty({ format: 'date-time' })
  created_at: string;
}
